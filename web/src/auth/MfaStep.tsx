import { SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../app/api-client.ts';
import { verifyMfa, type Me } from '../app/auth-api.ts';

interface MfaStepProps {
  mfaToken: string;
  onSignedIn: (me: Me) => void;
  onRestart: () => void;
}

/** The second sign-in step: an authenticator code, or one of the recovery codes. */
export function MfaStep({ mfaToken, onSignedIn, onRestart }: MfaStepProps) {
  const { t } = useTranslation();
  const [useRecovery, setUseRecovery] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [isSubmitting, setIsSubmitting] = useState(false);

  const submit = async ({ value }: { value: string }) => {
    setIsSubmitting(true);
    setFailure(undefined);
    try {
      onSignedIn(await verifyMfa(useRecovery ? { mfaToken, recoveryCode: value.trim() } : { mfaToken, code: value.trim() }));
    } catch (error) {
      setFailure(isApiError(error) && error.code === 'MFA_INVALID' ? t('mfa.invalid') : isApiError(error) ? error.message : String(error));
    } finally {
      setIsSubmitting(false);
    }
  };

  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        <SafetyOutlined /> {t('mfa.stepTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('mfa.stepHint')}</Typography.Paragraph>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} data-testid="mfa-error" />}
      <Form key={useRecovery ? 'recovery' : 'code'} size="large" onFinish={(values: { value: string }) => void submit(values)}>
        <Form.Item
          name="value"
          rules={useRecovery ? [{ required: true, whitespace: true, message: t('mfa.recoveryRequired') }] : [{ required: true, pattern: /^\d{6}$/, message: t('mfa.codeRequired') }]}
        >
          <Input
            autoFocus
            inputMode={useRecovery ? 'text' : 'numeric'}
            autoComplete="one-time-code"
            maxLength={useRecovery ? 20 : 6}
            placeholder={useRecovery ? t('mfa.recoveryCode') : t('mfa.code')}
            aria-label={useRecovery ? t('mfa.recoveryCode') : t('mfa.code')}
            data-testid="login-mfa-code"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={isSubmitting} data-testid="login-mfa-submit">
          {t('mfa.verify')}
        </Button>
      </Form>
      <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 12 }}>
        <Button type="link" style={{ padding: 0 }} onClick={() => setUseRecovery(!useRecovery)} data-testid="login-mfa-toggle">
          {useRecovery ? t('mfa.useCode') : t('mfa.useRecovery')}
        </Button>
        <Button type="link" style={{ padding: 0 }} onClick={onRestart}>
          {t('mfa.back')}
        </Button>
      </div>
    </>
  );
}
