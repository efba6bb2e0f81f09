import { Alert, Button, Card, Form, Input, List, Result, Space, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from './api-client.ts';
import { enableMfa, startMfaSetup, svgDataUrl, type MfaSetup } from './auth-api.ts';
import { useAuth } from './AuthProvider.tsx';

/**
 * Roles that require a second factor reach nothing else until an authenticator is set up: the server
 * answers 403 MFA_ENROLLMENT_REQUIRED elsewhere, and this page walks the user through enrolment.
 */
export function MfaEnrolmentGate({ children }: { children: ReactNode }) {
  const { me } = useAuth();
  if (!me?.mfaEnrollmentRequired) return children;
  return <MfaEnrolment />;
}

function MfaEnrolment() {
  const { t } = useTranslation();
  const { refreshMe, signOut } = useAuth();
  const [setup, setSetup] = useState<MfaSetup>();
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>();
  const [failure, setFailure] = useState<string>();
  const [isSubmitting, setIsSubmitting] = useState(false);

  useEffect(() => {
    startMfaSetup()
      .then(setSetup)
      .catch((error: unknown) => setFailure(isApiError(error) ? error.message : String(error)));
  }, []);

  const confirm = async ({ code }: { code: string }) => {
    setIsSubmitting(true);
    setFailure(undefined);
    try {
      setRecoveryCodes((await enableMfa(code.trim())).recoveryCodes);
    } catch (error) {
      setFailure(isApiError(error) ? (Object.values(error.fields)[0] ?? error.message) : String(error));
    } finally {
      setIsSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <Card className="login-card" style={{ width: 460, maxWidth: '100%' }} data-testid="mfa-enrolment">
        {recoveryCodes ? (
          <Result
            status="success"
            title={t('mfa.recoveryTitle')}
            subTitle={t('mfa.recoveryHint')}
            extra={
              <Space direction="vertical" style={{ width: '100%' }}>
                <List bordered size="small" dataSource={recoveryCodes} renderItem={(code) => <List.Item><Typography.Text code copyable>{code}</Typography.Text></List.Item>} data-testid="mfa-recovery-codes" />
                <Button type="primary" block onClick={() => void refreshMe()} data-testid="mfa-done">
                  {t('mfa.done')}
                </Button>
              </Space>
            }
          />
        ) : (
          <>
            <Typography.Title level={4} style={{ marginTop: 0 }}>
              {t('mfa.setupTitle')}
            </Typography.Title>
            <Typography.Paragraph type="secondary">{t('mfa.setupRequired')}</Typography.Paragraph>
            {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
            {setup && (
              <>
                <div style={{ textAlign: 'center' }}>
                  <img src={svgDataUrl(setup.qrSvg)} alt={t('mfa.qrAlt')} width={200} height={200} data-testid="mfa-qr" />
                </div>
                <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
                  {t('mfa.secret')}: <Typography.Text code copyable style={{ wordBreak: 'break-all' }} data-testid="mfa-secret">{setup.secret}</Typography.Text>
                </Typography.Paragraph>
                <Form size="large" onFinish={(values: { code: string }) => void confirm(values)}>
                  <Form.Item name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: t('mfa.codeRequired') }]}>
                    <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} placeholder={t('mfa.code')} aria-label={t('mfa.code')} data-testid="mfa-enrol-code" />
                  </Form.Item>
                  <Button type="primary" htmlType="submit" block loading={isSubmitting} data-testid="mfa-enable">
                    {t('mfa.enable')}
                  </Button>
                </Form>
              </>
            )}
            <Button type="link" block style={{ marginTop: 8 }} onClick={() => void signOut()}>
              {t('mfa.logout')}
            </Button>
          </>
        )}
      </Card>
    </div>
  );
}
