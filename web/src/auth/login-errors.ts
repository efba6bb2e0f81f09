import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { isApiError } from '../app/api-client.ts';
import { errorMessage, reasonMessage } from '../app/error-message.ts';
import { formatDateTime } from '../entity/format-value.ts';

/** Clear wording for each login failure; `reason` is a field's reason for VALIDATION errors. */
export function loginErrorMessage(error: unknown, t: TFunction, reason?: string): string {
  if (!isApiError(error)) return t('errors.unknown');
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return t('login.errors.invalidCredentials');
    case 'CAPTCHA_INVALID':
      return t('login.errors.captchaInvalid');
    case 'ACCOUNT_LOCKED': {
      const until = typeof error.params.until === 'string' ? dayjs(error.params.until) : undefined;
      return until?.isValid() ? t('login.errors.lockedUntil', { until: formatDateTime(until.toISOString(), undefined, false) }) : t('login.errors.locked');
    }
    case 'ACCOUNT_DISABLED':
      return t('login.errors.disabled');
    case 'RATE_LIMITED':
      return t('login.errors.rateLimited');
    case 'NETWORK':
      return t('errors.NETWORK');
    case 'VALIDATION':
      return reason ? reasonMessage(reason, t) : t('login.errors.validation');
    default:
      return errorMessage(error, t);
  }
}
