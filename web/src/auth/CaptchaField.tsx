import { SafetyOutlined } from '@ant-design/icons';
import { Input, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { svgDataUrl, type Captcha } from '../app/auth-api.ts';

interface CaptchaFieldProps {
  value?: string;
  onChange?: (value: string) => void;
  captcha: Captcha | undefined;
  isLoading: boolean;
  onRefresh: () => void;
}

/** Captcha answer input with the image beside it; clicking the image fetches a new one. */
export function CaptchaField({ value, onChange, captcha, isLoading, onRefresh }: CaptchaFieldProps) {
  const { t } = useTranslation();
  return (
    <div className="captcha-row">
      <Input
        prefix={<SafetyOutlined />}
        placeholder={t('login.captcha')}
        aria-label={t('login.captcha')}
        autoComplete="off"
        maxLength={10}
        data-testid="login-captcha"
        value={value}
        onChange={(event) => onChange?.(event.target.value)}
      />
      <button
        type="button"
        className="captcha-image"
        title={t('login.refreshCaptcha')}
        aria-label={t('login.refreshCaptcha')}
        data-testid="captcha-image"
        onClick={onRefresh}
      >
        {captcha && !isLoading ? <img src={svgDataUrl(captcha.svg)} alt={t('login.captchaImage')} /> : <Spin size="small" />}
      </button>
    </div>
  );
}
