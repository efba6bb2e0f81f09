import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { detailPath } from '../../entity/entity-lookup.ts';

/** Customers row action: open the customer 360 page. */
export function Customer360Action({ entity, row }: RowActionProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Button type="link" size="small" onClick={() => void navigate(detailPath(entity, row.id))} data-testid="customer-360">
      {t('customer360.short')}
    </Button>
  );
}
