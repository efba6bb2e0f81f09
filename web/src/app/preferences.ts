import type { AppLocale, AppTheme } from './auth-api.ts';

const storageKey = 'insure.preferences';

export interface Preferences {
  locale: AppLocale;
  theme: AppTheme;
}

/** Last used language and theme, so the login page opens the way the user left it. */
export function readStoredPreferences(): Preferences {
  const fallback: Preferences = { locale: 'zh-CN', theme: 'light' };
  try {
    const raw = localStorage.getItem(storageKey);
    if (!raw) return fallback;
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return fallback;
    const locale = 'locale' in parsed && parsed.locale === 'en-US' ? 'en-US' : 'zh-CN';
    const theme = 'theme' in parsed && parsed.theme === 'dark' ? 'dark' : 'light';
    return { locale, theme };
  } catch {
    return fallback;
  }
}

export function storePreferences(preferences: Preferences): void {
  try {
    localStorage.setItem(storageKey, JSON.stringify(preferences));
  } catch {
    // storage may be unavailable (private mode); preferences then live for this page only
  }
}
