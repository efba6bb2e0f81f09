export type ErrorCode =
  | 'VALIDATION'
  | 'BAD_REQUEST'
  | 'UNAUTHENTICATED'
  | 'SESSION_REPLACED'
  | 'SESSION_EXPIRED'
  | 'INVALID_CREDENTIALS'
  | 'CAPTCHA_INVALID'
  | 'ACCOUNT_LOCKED'
  | 'ACCOUNT_DISABLED'
  | 'RATE_LIMITED'
  | 'CSRF'
  | 'MFA_REQUIRED'
  | 'MFA_INVALID'
  | 'MFA_ENROLLMENT_REQUIRED'
  | 'FORBIDDEN'
  | 'EXPORT_APPROVAL_REQUIRED'
  | 'CONSENT_REQUIRED'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'DUPLICATE'
  | 'IN_USE'
  | 'INVALID_REFERENCE'
  | 'INVALID_TRANSITION'
  | 'IMPORT_INVALID'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAVAILABLE'
  | 'INTERNAL';

const statusOf: Record<ErrorCode, number> = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  CAPTCHA_INVALID: 400,
  INVALID_REFERENCE: 400,
  IMPORT_INVALID: 400,
  UNAUTHENTICATED: 401,
  SESSION_REPLACED: 401,
  SESSION_EXPIRED: 401,
  INVALID_CREDENTIALS: 401,
  ACCOUNT_DISABLED: 401,
  CSRF: 403,
  MFA_REQUIRED: 401,
  MFA_INVALID: 401,
  MFA_ENROLLMENT_REQUIRED: 403,
  FORBIDDEN: 403,
  EXPORT_APPROVAL_REQUIRED: 403,
  CONSENT_REQUIRED: 409,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  DUPLICATE: 409,
  IN_USE: 409,
  INVALID_TRANSITION: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

/** Field name → machine reason (translated by the error handler). */
export type FieldReasons = Record<string, { reason: string; params?: Record<string, unknown> }>;

/** The one error type services throw; the error handler maps it to `{code, message, fields?, params?}`. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: Record<string, unknown> = {},
    readonly fields?: FieldReasons,
  ) {
    super(code);
    this.status = statusOf[code];
  }
}

export const notFound = () => new AppError('NOT_FOUND');
export const forbidden = (permission?: string) => new AppError('FORBIDDEN', permission ? { permission } : {});
export const fieldError = (field: string, reason: string, params?: Record<string, unknown>) =>
  new AppError('VALIDATION', {}, { [field]: { reason, params } });
