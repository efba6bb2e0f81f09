import type { TFunction } from 'i18next';
import { isApiError } from './api-client.ts';
import { i18n } from './i18n.ts';

/** A message for the user: our own wording for known codes, else the server's (already translated). */
export function errorMessage(error: unknown, t: TFunction): string {
  if (!isApiError(error)) return t('errors.unknown');
  const key = `errors.${error.code}`;
  if (i18n.exists(key)) return t(key, { ...error.params });
  if (error.message && error.message !== error.code) return error.message;
  return error.requestId ? t('errors.withRequestId', { requestId: error.requestId }) : t('errors.unknown');
}

/** Translates a validation reason (zod issue code or server reason) when we know it. */
export function reasonMessage(reason: string, t: TFunction, params: Record<string, unknown> = {}): string {
  const key = `validation.${reason}`;
  return i18n.exists(key) ? t(key, params) : reason;
}
