import { App as AntApp, ConfigProvider, theme as antTheme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AppLocale } from './auth-api.ts';
import { i18n } from './i18n.ts';
import { readStoredPreferences, storePreferences, type Preferences } from './preferences.ts';

interface PreferencesContextValue extends Preferences {
  /** Applies preferences locally; persisting them on the server is the caller's job. */
  applyPreferences: (next: Partial<Preferences>) => void;
}

const PreferencesContext = createContext<PreferencesContextValue | undefined>(undefined);

export function usePreferences(): PreferencesContextValue {
  const value = useContext(PreferencesContext);
  if (!value) throw new Error('usePreferences outside PreferencesProvider');
  return value;
}

const dayjsLocale = (locale: AppLocale) => (locale === 'en-US' ? 'en' : 'zh-cn');

export function PreferencesProvider({ children }: { children: ReactNode }) {
  const [preferences, setPreferences] = useState<Preferences>(readStoredPreferences);

  const applyPreferences = useCallback((next: Partial<Preferences>) => {
    setPreferences((current) => {
      const merged = { ...current, ...next };
      storePreferences(merged);
      return merged;
    });
  }, []);

  useEffect(() => {
    void i18n.changeLanguage(preferences.locale);
    dayjs.locale(dayjsLocale(preferences.locale));
    document.documentElement.lang = preferences.locale;
  }, [preferences.locale]);

  useEffect(() => {
    document.documentElement.dataset.theme = preferences.theme;
  }, [preferences.theme]);

  const value = useMemo(() => ({ ...preferences, applyPreferences }), [preferences, applyPreferences]);
  const algorithm = preferences.theme === 'dark' ? antTheme.darkAlgorithm : antTheme.defaultAlgorithm;

  return (
    <PreferencesContext.Provider value={value}>
      <ConfigProvider
        locale={preferences.locale === 'en-US' ? enUS : zhCN}
        theme={{ algorithm, token: { colorPrimary: '#1677ff', borderRadius: 6 } }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </PreferencesContext.Provider>
  );
}

