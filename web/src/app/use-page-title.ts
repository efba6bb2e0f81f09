import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Browser tab title: "<page> - <app>". */
export function usePageTitle(page: string | undefined): void {
  const { t } = useTranslation();
  const app = t('app.title');
  useEffect(() => {
    document.title = page ? `${page} - ${app}` : app;
  }, [page, app]);
}
