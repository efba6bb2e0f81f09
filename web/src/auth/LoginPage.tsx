import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { isApiError } from '../app/api-client.ts';
import { fetchCaptcha, login, type Captcha } from '../app/auth-api.ts';
import { useAuth } from '../app/AuthProvider.tsx';
import { LanguageSwitch } from '../app/HeaderBar.tsx';
import { usePreferences } from '../app/PreferencesProvider.tsx';
import { usePageTitle } from '../app/use-page-title.ts';
import { CaptchaField } from './CaptchaField.tsx';
import { MfaStep } from './MfaStep.tsx';
import { loginErrorMessage } from './login-errors.ts';

interface LoginValues {
  loginName: string;
  password: string;
  captchaAnswer: string;
}

const formFields = new Set(['loginName', 'password', 'captchaAnswer']);

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string' && state.from.startsWith('/')) {
    return state.from === '/login' ? '/' : state.from;
  }
  return '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const { me, signedIn } = useAuth();
  const { applyPreferences } = usePreferences();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<LoginValues>();
  usePageTitle(t('login.submit'));
  const [captcha, setCaptcha] = useState<Captcha>();
  const [isCaptchaLoading, setIsCaptchaLoading] = useState(false);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [mfaToken, setMfaToken] = useState<string>();

  const refreshCaptcha = useCallback(async () => {
    setIsCaptchaLoading(true);
    try {
      setCaptcha(await fetchCaptcha());
    } catch (error) {
      setFailure(loginErrorMessage(error, t));
    } finally {
      setIsCaptchaLoading(false);
    }
  }, [t]);

  useEffect(() => {
    void refreshCaptcha();
  }, [refreshCaptcha]);

  if (me) return <Navigate to={redirectTarget(location.state)} replace />;

  const submit = async (values: LoginValues) => {
    if (!captcha) return;
    setIsSubmitting(true);
    setFailure(undefined);
    try {
      const result = await login({ ...values, loginName: values.loginName.trim(), captchaId: captcha.captchaId });
      if ('mfaToken' in result) {
        setMfaToken(result.mfaToken);
        return;
      }
      signedIn(result.me);
      navigate(redirectTarget(location.state), { replace: true });
    } catch (error) {
      const message = loginErrorMessage(error, t);
      if (isApiError(error) && error.code === 'CAPTCHA_INVALID') {
        form.setFields([{ name: 'captchaAnswer', value: '', errors: [message] }]);
      } else if (isApiError(error) && error.code === 'VALIDATION' && Object.keys(error.fields).some((name) => formFields.has(name))) {
        form.setFields(
          Object.entries(error.fields)
            .filter(([name]) => formFields.has(name))
            .map(([name, reason]) => ({ name: name as keyof LoginValues, errors: [loginErrorMessage(error, t, reason)] })),
        );
      } else {
        setFailure(message);
        form.setFieldValue('captchaAnswer', '');
      }
      void refreshCaptcha();
    } finally {
      setIsSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <div style={{ position: 'absolute', top: 16, right: 16 }}>
        <LanguageSwitch onChange={(locale) => applyPreferences({ locale })} />
      </div>
      <Card className="login-card">
        <div className="login-title">
          <img src="/favicon.svg" alt="" width={48} height={48} />
          <Typography.Title level={3} style={{ marginTop: 8, marginBottom: 4 }}>
            {t('app.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </div>
        {mfaToken ? (
          <MfaStep
            mfaToken={mfaToken}
            onSignedIn={(user) => {
              signedIn(user);
              navigate(redirectTarget(location.state), { replace: true });
            }}
            onRestart={() => {
              setMfaToken(undefined);
              form.setFieldValue('captchaAnswer', '');
              void refreshCaptcha();
            }}
          />
        ) : (
          <>
            {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} data-testid="login-error" />}
            <Form form={form} size="large" onFinish={(values) => void submit(values)} autoComplete="on">
              <Form.Item name="loginName" rules={[{ required: true, whitespace: true, message: t('login.loginNameRequired') }]}>
                <Input prefix={<UserOutlined />} placeholder={t('login.loginName')} aria-label={t('login.loginName')} autoComplete="username" data-testid="login-name" />
              </Form.Item>
              <Form.Item name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
                <Input.Password
                  prefix={<LockOutlined />}
                  placeholder={t('login.password')}
                  aria-label={t('login.password')}
                  autoComplete="current-password"
                  data-testid="login-password"
                />
              </Form.Item>
              <Form.Item name="captchaAnswer" rules={[{ required: true, whitespace: true, message: t('login.captchaRequired') }]}>
                <CaptchaField captcha={captcha} isLoading={isCaptchaLoading} onRefresh={() => void refreshCaptcha()} />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={isSubmitting} disabled={!captcha} data-testid="login-submit">
                {t('login.submit')}
              </Button>
            </Form>
          </>
        )}
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 24 }}>
        {t('login.footer')}
      </Typography.Text>
    </div>
  );
}
