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

export async function login(input: LoginInput): Promise<Me> {
  const result = loginResponseSchema.parse(await request('POST', '/api/auth/login', { body: input }));
  setCsrfToken(result.csrfToken);
  return result.me;
}

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
