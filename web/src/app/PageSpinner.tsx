import { Spin } from 'antd';

/** The whole-page loading state while a route's code or the session is on its way. */
export function PageSpinner() {
  return (
    <div className="page-spinner">
      <Spin size="large" />
    </div>
  );
}
