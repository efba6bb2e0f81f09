import { useQuery } from '@tanstack/react-query';
import { Card, Result, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { serviceApi } from './service-api.ts';
import { SurveyForm } from './SurveyForm.tsx';
import { formatDateTime } from '../../entity/format-value.ts';

/**
 * 回访 answer page behind a one-time link: no login, no menu, sized for a phone. It shows the questions
 * and nothing about the customer; used, expired and unknown links all read "not available".
 */
export function PublicSurveyPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const [done, setDone] = useState(false);
  const survey = useQuery({ queryKey: ['public-survey', token], queryFn: ({ signal }) => serviceApi.publicSurvey(token, signal), retry: false, enabled: !done });

  let body;
  if (done) body = <Result status="success" title={t('survey.thanks')} subTitle={t('survey.thanksHint')} data-testid="survey-thanks" />;
  else if (survey.isLoading) body = <Skeleton active />;
  else if (survey.isError || !survey.data) body = <Result status="warning" title={t('survey.unavailable')} subTitle={t('survey.unavailableHint')} data-testid="survey-unavailable" />;
  else
    body = (
      <>
        <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="survey-title">
          {survey.data.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('survey.intro', { until: formatDateTime(survey.data.expiresAt, undefined, false) })}</Typography.Paragraph>
        <SurveyForm
          questions={survey.data.questions}
          submitLabel={t('survey.submit')}
          onSubmit={async (answers) => {
            await serviceApi.answerPublic(token, answers);
            setDone(true);
          }}
        />
      </>
    );
  return (
    <div style={{ minHeight: '100vh', background: '#f5f5f5', padding: '16px 12px', boxSizing: 'border-box' }} data-testid="public-survey">
      <Card style={{ maxWidth: 560, margin: '0 auto' }} styles={{ body: { padding: 16 } }}>
        {body}
      </Card>
    </div>
  );
}
