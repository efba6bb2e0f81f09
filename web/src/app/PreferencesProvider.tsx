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

/**
 * Theme tokens chosen for WCAG AA text contrast (4.5:1) in both themes, checked by the browser suite
 * (e2e/tests/screens.test.ts): antd's defaults put links, secondary text and placeholders below it.
 * In the dark theme links and tabs get a lighter blue than buttons, so that both the blue text on the dark
 * background and the white text on blue buttons stay readable.
 */
const lightTokens = {
  colorPrimary: '#0958d9',
  colorInfo: '#0958d9',
  colorLink: '#0958d9',
  colorError: '#cf1322',
  colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
  colorTextDescription: 'rgba(0, 0, 0, 0.6)',
  colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  borderRadius: 6,
};
const darkTokens = {
  colorPrimary: '#1668dc',
  colorLink: '#4096ff',
  colorError: '#ff7875',
  colorErrorText: '#ff7875',
  colorTextTertiary: 'rgba(255, 255, 255, 0.6)',
  colorTextDescription: 'rgba(255, 255, 255, 0.6)',
  colorTextPlaceholder: 'rgba(255, 255, 255, 0.5)',
  borderRadius: 6,
};
const darkComponents = { Tabs: { itemSelectedColor: '#4096ff', itemActiveColor: '#4096ff', itemHoverColor: '#69b1ff' }, Pagination: { itemActiveColor: '#4096ff' } };

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
        theme={preferences.theme === 'dark' ? { algorithm, token: darkTokens, components: darkComponents } : { algorithm, token: lightTokens }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </PreferencesContext.Provider>
  );
}

