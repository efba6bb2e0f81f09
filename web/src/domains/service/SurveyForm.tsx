import { Button, Form, Input, Radio, Rate, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../app/api-client.ts';
import { errorMessage } from '../../app/error-message.ts';
import type { Answers, Question } from './service-api.ts';

interface SurveyFormProps {
  questions: Question[];
  onSubmit: (answers: Answers) => Promise<unknown>;
  submitLabel: string;
}

const npsScale = Array.from({ length: 11 }, (_, index) => index);

/** The questions of a survey as a form (ratings as stars, NPS 0-10 as buttons that wrap on a phone). */
export function SurveyForm({ questions, onSubmit, submitLabel }: SurveyFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Answers>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: Answers) => {
    setBusy(true);
    setError(null);
    try {
      const answers = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== '')) as Answers;
      await onSubmit(answers);
    } catch (caught) {
      if (isApiError(caught) && Object.keys(caught.fields).length) {
        form.setFields(Object.entries(caught.fields).map(([name, message]) => ({ name: name.replace(/^answers\./, ''), errors: [message] })));
      }
      setError(errorMessage(caught, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={(values) => void submit(values)} requiredMark data-testid="survey-form">
      {questions.map((question) => (
        <Form.Item
          key={question.key}
          name={question.key}
          label={question.label}
          rules={question.type === 'text' || question.required === false ? [] : [{ required: true, message: t('survey.answerRequired') }]}
        >
          {question.type === 'rating' ? (
            <Rate data-testid={`question-${question.key}`} style={{ fontSize: 30 }} />
          ) : question.type === 'nps' ? (
            <Radio.Group data-testid={`question-${question.key}`} optionType="button" buttonStyle="solid" style={{ display: 'flex', flexWrap: 'wrap', gap: 6 }}>
              {npsScale.map((score) => (
                <Radio.Button key={score} value={score} data-testid={`nps-${question.key}-${score}`} style={{ minWidth: 44, textAlign: 'center' }}>
                  {score}
                </Radio.Button>
              ))}
            </Radio.Group>
          ) : question.type === 'choice' ? (
            <Radio.Group data-testid={`question-${question.key}`}>
              <Space orientation="vertical">
                {(question.options ?? []).map((option) => (
                  <Radio key={option} value={option}>
                    {option}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
          ) : (
            <Input.TextArea data-testid={`question-${question.key}`} rows={3} maxLength={2000} />
          )}
        </Form.Item>
      ))}
      {error && (
        <Typography.Paragraph type="danger" data-testid="survey-error">
          {error}
        </Typography.Paragraph>
      )}
      <Button type="primary" htmlType="submit" block size="large" loading={busy} data-testid="survey-submit">
        {submitLabel}
      </Button>
    </Form>
  );
}
