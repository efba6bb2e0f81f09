import { createHash, randomBytes } from 'node:crypto';
import svgCaptcha from 'svg-captcha';
import type { KeyValueStore } from '../kv.ts';

const captchaTtlMs = 2 * 60 * 1000;
const hashAnswer = (answer: string) => createHash('sha256').update(answer.trim().toLowerCase()).digest('base64url');

export interface IssuedCaptcha {
  captchaId: string;
  svg: string;
  /** Only returned to the test harness (see buildApp's testHooks); production never exposes it. */
  answer: string;
}

/** Image captcha: one-time, expires after two minutes, stored hashed in the shared store. */
export async function issueCaptcha(store: KeyValueStore): Promise<IssuedCaptcha> {
  const captcha = svgCaptcha.create({ size: 4, noise: 3, ignoreChars: '0oO1iIlL', color: true, background: '#f4f6fb' });
  const captchaId = randomBytes(16).toString('base64url');
  await store.set(`captcha:${captchaId}`, hashAnswer(captcha.text), captchaTtlMs);
  return { captchaId, svg: captcha.data, answer: captcha.text };
}

/** Consumes the captcha whatever the outcome, so an answer can never be tried twice. */
export async function verifyCaptcha(store: KeyValueStore, captchaId: string, answer: string): Promise<boolean> {
  const expected = await store.take(`captcha:${captchaId}`);
  return expected !== null && expected === hashAnswer(answer);
}
