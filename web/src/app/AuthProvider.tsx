import { useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError, setUnauthorizedHandler, type ApiError } from './api-client.ts';
import { fetchMe, logout, updateSettings, type Me } from './auth-api.ts';
import type { Preferences } from './preferences.ts';
import { usePreferences } from './PreferencesProvider.tsx';

interface AuthContextValue {
  me: Me | null;
  isLoading: boolean;
  /** Called by the login page with the signed-in user. */
  signedIn: (me: Me) => void;
  signOut: () => Promise<void>;
  refreshMe: () => Promise<void>;
  /** Applies and stores the user's language/theme (on the server when signed in). */
  saveSettings: (settings: Partial<Preferences>) => void;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only for components rendered behind the auth guard. */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return me;
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const queryClient = useQueryClient();
  const { applyPreferences } = usePreferences();
  const [me, setMe] = useState<Me | null>(null);
  const [isLoading, setIsLoading] = useState(true);
  const isNoticeOpen = useRef(false);

  const signedIn = useCallback(
    (user: Me) => {
      setMe(user);
      applyPreferences({ locale: user.locale, theme: user.theme });
    },
    [applyPreferences],
  );

  const endSession = useCallback(() => {
    setMe(null);
    queryClient.clear();
  }, [queryClient]);

  const onUnauthorized = useCallback(
    (error: ApiError) => {
      if (isNoticeOpen.current) return;
      if (error.code !== 'SESSION_REPLACED') {
        endSession();
        return;
      }
      isNoticeOpen.current = true;
      modal.warning({
        title: t('auth.sessionReplacedTitle'),
        content: t('auth.sessionReplaced'),
        okText: t('common.ok'),
        onOk: () => {
          isNoticeOpen.current = false;
          endSession();
        },
      });
    },
    [endSession, modal, t],
  );

  useEffect(() => {
    setUnauthorizedHandler(onUnauthorized);
    return () => setUnauthorizedHandler(undefined);
  }, [onUnauthorized]);

  // The first probe runs once; a replaced session is announced even on a fresh page load.
  const firstProbe = useRef(onUnauthorized);
  useEffect(() => {
    let isCurrent = true;
    fetchMe()
      .then((user) => isCurrent && signedIn(user))
      .catch((error: unknown) => {
        if (!isCurrent) return;
        setMe(null);
        if (isApiError(error) && error.code === 'SESSION_REPLACED') firstProbe.current(error);
      })
      .finally(() => isCurrent && setIsLoading(false));
    return () => {
      isCurrent = false;
    };
  }, [signedIn]);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } catch {
      // the session may already be gone; the user is signed out locally either way
    }
    endSession();
  }, [endSession]);

  const refreshMe = useCallback(async () => {
    try {
      setMe(await fetchMe());
    } catch {
      endSession();
    }
  }, [endSession]);

  const saveSettings = useCallback(
    (settings: Partial<Preferences>) => {
      applyPreferences(settings);
      if (!me) return;
      updateSettings(settings)
        .then((user) => setMe((current) => (current ? { ...current, locale: user.locale, theme: user.theme } : current)))
        .catch(() => void message.error(t('settings.saveFailed')));
    },
    [applyPreferences, me, message, t],
  );

  const value = useMemo(
    () => ({ me, isLoading, signedIn, signOut, refreshMe, saveSettings }),
    [me, isLoading, signedIn, signOut, refreshMe, saveSettings],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
