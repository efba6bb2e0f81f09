import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import enUS from '../locales/en-US.json';
import zhCN from '../locales/zh-CN.json';
import type { AppLocale } from './auth-api.ts';
import { readStoredPreferences } from './preferences.ts';

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
  lng: readStoredPreferences().locale,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export { i18n };

/** Picks the language half of a declaration label. */
export const labelOf = (label: { zh: string; en: string }, locale: string): string => (locale === 'en-US' ? label.en : label.zh);

export const currentLocale = (): AppLocale => (i18n.language === 'en-US' ? 'en-US' : 'zh-CN');
