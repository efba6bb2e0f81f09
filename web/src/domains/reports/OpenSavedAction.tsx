import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { query } from './reports-api.ts';

/** Saved report definitions: open the report dashboard with the definition's report, dimension and period. */
export function OpenReportAction({ row }: RowActionProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = { type: row.reportType, dimension: row.dimension, from: row.periodFrom, to: row.periodTo };
  return (
    <Button type="link" size="small" onClick={() => void navigate(`/reports?${query(params)}`)} data-testid="open-report">
      {t('reports.open')}
    </Button>
  );
}

/** Saved customer analyses: open the analysis dashboard with the analysis' dimension and period. */
export function OpenAnalysisAction({ row }: RowActionProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = { dimension: row.dimension, from: row.periodFrom, to: row.periodTo };
  return (
    <Button type="link" size="small" onClick={() => void navigate(`/customer-analysis?${query(params)}`)} data-testid="open-analysis">
      {t('reports.open')}
    </Button>
  );
}
