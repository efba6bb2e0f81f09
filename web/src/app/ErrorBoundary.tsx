import { Button, Result } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { i18n } from './i18n.ts';

interface ErrorBoundaryProps {
  children: ReactNode;
  /** Changing it (e.g. the route) clears a caught error. */
  resetKey: string;
}

interface ErrorBoundaryState {
  error: Error | null;
  resetKey: string;
}

/** Keeps a failing page (or a page chunk that did not load) from blanking the whole app. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, ErrorBoundaryState> {
  state: ErrorBoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<ErrorBoundaryState> {
    return { error };
  }

  static getDerivedStateFromProps(props: ErrorBoundaryProps, state: ErrorBoundaryState): Partial<ErrorBoundaryState> | null {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('page failed', error, info.componentStack);
  }

  render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={i18n.t('pages.crashed')}
        subTitle={i18n.t('pages.crashedHint')}
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            {i18n.t('pages.reload')}
          </Button>
        }
      />
    );
  }
}
