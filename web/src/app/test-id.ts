/**
 * Props object carrying a data-testid for antd props objects (okButtonProps…), whose types do not
 * list data-* attributes although the components pass them to the DOM.
 */
export const testIdProps = <T extends object>(id: string): T => ({ 'data-testid': id }) as unknown as T;
