import { z } from 'zod';
import { api, request, setCsrfToken } from './api-client.ts';

export const localeSchema = z.enum(['zh-CN', 'en-US']);
export const themeSchema = z.enum(['light', 'dark']);
export type AppLocale = z.infer<typeof localeSchema>;
export type AppTheme = z.infer<typeof themeSchema>;

export const meSchema = z.looseObject({
  id: z.number(),
  loginName: z.string(),
  displayName: z.string(),
  orgId: z.number().nullable().optional(),
  salespersonId: z.number().nullable().optional(),
  roles: z.array(z.looseObject({ id: z.number(), name: z.string() })).default([]),
  permissions: z.array(z.string()).default([]),
  dataScope: z.string().optional(),
  locale: localeSchema.catch('zh-CN'),
  theme: themeSchema.catch('light'),
  mustChangePassword: z.boolean().default(false),
  mfaEnabled: z.boolean().default(false),
  mfaEnrollmentRequired: z.boolean().default(false),
  csrfToken: z.string().optional(),
});
export type Me = z.infer<typeof meSchema>;

const loginResponseSchema = z.looseObject({ me: meSchema, csrfToken: z.string() });
const captchaSchema = z.looseObject({ captchaId: z.string(), svg: z.string() });
export type Captcha = z.infer<typeof captchaSchema>;

export interface LoginInput {
  loginName: string;
  password: string;
  captchaId: string;
  captchaAnswer: string;
}

export const fetchCaptcha = (): Promise<Captcha> => api.get(captchaSchema, '/api/auth/captcha');

const mfaChallengeSchema = z.looseObject({ mfaRequired: z.literal(true), mfaToken: z.string() });

/** Password step of a sign-in: either signed in, or the server asks for the authenticator code. */
export async function login(input: LoginInput): Promise<{ me: Me } | { mfaToken: string }> {
  const body = await request('POST', '/api/auth/login', { body: input });
  const challenge = mfaChallengeSchema.safeParse(body);
  if (challenge.success) return { mfaToken: challenge.data.mfaToken };
  const result = loginResponseSchema.parse(body);
  setCsrfToken(result.csrfToken);
  return { me: result.me };
}

/** Second sign-in step: a 6-digit TOTP code or a recovery code. */
export async function verifyMfa(input: { mfaToken: string; code?: string; recoveryCode?: string }): Promise<Me> {
  const result = loginResponseSchema.parse(await request('POST', '/api/auth/mfa', { body: input }));
  setCsrfToken(result.csrfToken);
  return result.me;
}

const mfaSetupSchema = z.looseObject({ secret: z.string(), otpauthUri: z.string(), qrSvg: z.string() });
export type MfaSetup = z.infer<typeof mfaSetupSchema>;
export const startMfaSetup = (): Promise<MfaSetup> => api.post(mfaSetupSchema, '/api/me/mfa/setup', {});
export const enableMfa = (code: string): Promise<{ recoveryCodes: string[] }> =>
  api.post(z.looseObject({ recoveryCodes: z.array(z.string()) }), '/api/me/mfa/enable', { code });

/** The current session's user, or null when nobody is signed in. */
export async function fetchMe(): Promise<Me> {
  const me = meSchema.parse(await request('GET', '/api/me', { quietUnauthorized: true }));
  setCsrfToken(me.csrfToken);
  return me;
}

export async function logout(): Promise<void> {
  try {
    await request('POST', '/api/auth/logout', { quietUnauthorized: true });
  } finally {
    setCsrfToken(undefined);
  }
}

export const updateSettings = (settings: { locale?: AppLocale; theme?: AppTheme }): Promise<Me> =>
  api.patch(meSchema, '/api/me/settings', settings);

const passwordChangedSchema = z.looseObject({ csrfToken: z.string().nullable().optional() });

/** Changes the password; the server ends every session and continues this one on a fresh token. */
export async function changePassword(input: { currentPassword: string; newPassword: string }): Promise<void> {
  const result = passwordChangedSchema.parse((await request('POST', '/api/me/password', { body: input })) ?? {});
  if (result.csrfToken) setCsrfToken(result.csrfToken);
}

/** Converts the captcha SVG text into a data URL (never injected as HTML). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

export const hasPermission = (me: Me | null | undefined, key: string): boolean => !!me?.permissions.includes(key);
