import { useQuery } from '@tanstack/react-query';
import { App, Button, Input, Modal, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/error-message.ts';
import type { RowActionProps } from '../../entity/entity-extensions.ts';
import { absoluteLink, serviceApi, serviceKeys } from './service-api.ts';
import { SurveyForm } from './SurveyForm.tsx';

/** Staff record a customer's answers given by phone or in person (once). */
export function AnswerSurveyAction({ row, onDone }: RowActionProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const questions = useQuery({ queryKey: serviceKeys.surveyQuestions(row.id), queryFn: ({ signal }) => serviceApi.surveyQuestions(row.id, signal), enabled: open });
  if (row.status !== 'sent' || !row.can.edit) return null;
  return (
    <>
      <Button type="link" size="small" onClick={() => setOpen(true)} data-testid="row-survey-answer">
        {t('survey.recordAnswers')}
      </Button>
      <Modal open={open} onCancel={() => setOpen(false)} footer={null} title={questions.data?.title ?? t('survey.recordAnswers')} destroyOnHidden>
        {questions.isLoading && <Skeleton active />}
        {questions.isError && errorMessage(questions.error, t)}
        {questions.data && (
          <SurveyForm
            questions={questions.data.questions}
            submitLabel={t('survey.save')}
            onSubmit={async (answers) => {
              await serviceApi.answerAsStaff(row.id, answers);
              setOpen(false);
              onDone();
            }}
          />
        )}
      </Modal>
    </>
  );
}

/** A fresh one-time link for the customer (shown once; an earlier link stops working). */
export function SurveyLinkAction({ row }: RowActionProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [link, setLink] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (row.status !== 'sent' || !row.can.edit) return null;
  const issue = async () => {
    setBusy(true);
    try {
      setLink(absoluteLink((await serviceApi.newLink(row.id)).link));
    } catch (error) {
      void message.error(errorMessage(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="link" size="small" loading={busy} onClick={() => void issue()} data-testid="row-survey-link">
        {t('survey.issueLink')}
      </Button>
      <Modal open={link !== null} onCancel={() => setLink(null)} footer={null} title={t('survey.issueLink')}>
        <Typography.Paragraph type="secondary">{t('survey.linkHint')}</Typography.Paragraph>
        <Input readOnly value={link ?? ''} data-testid="survey-link" onFocus={(event) => event.target.select()} />
      </Modal>
    </>
  );
}
