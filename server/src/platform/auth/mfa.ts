import { createHash, randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Services } from '../../entities/context.ts';

const period = 30;

export interface MfaState {
  enabled: boolean;
  secret: string | null;
  lastStep: number | null;
  recoveryHashes: string[];
}

const hashRecoveryCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
const isTrue = (value: unknown) => value === true || value === 1;

export async function mfaState(services: Services, accountId: number): Promise<MfaState> {
  const row = await services.database.db
    .selectFrom('account_credentials')
    .select(['mfa_secret_enc', 'mfa_enabled', 'mfa_last_step', 'mfa_recovery_codes'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return {
    enabled: isTrue(row?.mfa_enabled),
    secret: row?.mfa_secret_enc ? services.cipher.decrypt(String(row.mfa_secret_enc)) : null,
    lastStep: row?.mfa_last_step == null ? null : Number(row.mfa_last_step),
    recoveryHashes: row?.mfa_recovery_codes ? (JSON.parse(String(row.mfa_recovery_codes)) as string[]) : [],
  };
}

/** A new secret (160 bits, base32) with its otpauth URI and a QR code the authenticator app scans. */
export async function newEnrolment(services: Services, accountId: number, loginName: string) {
  const secret = generateSecret({ length: 20 });
  const otpauthUri = generateURI({ issuer: '保险画像管理', label: loginName, secret });
  await services.database.db
    .updateTable('account_credentials')
    .set({ mfa_secret_enc: services.cipher.encrypt(secret), mfa_enabled: services.database.dialect === 'postgres' ? false : 0, mfa_last_step: null })
    .where('account_id', '=', accountId)
    .execute();
  return { secret, otpauthUri, qrSvg: await QRCode.toString(otpauthUri, { type: 'svg', margin: 1 }) };
}

/**
 * Checks a TOTP code (±1 step for clock drift) and consumes its time step: the same code, or an older one,
 * is refused afterwards (ASVS 6.5.1). The step is recorded with a conditional update, so two requests
 * racing with one code cannot both pass.
 */
export async function consumeTotp(services: Services, accountId: number, code: string): Promise<boolean> {
  const state = await mfaState(services, accountId);
  if (!state.secret || !/^\d{6}$/.test(code)) return false;
  const epoch = Math.floor(services.clock.now().getTime() / 1000);
  const result = await verify({ secret: state.secret, token: code, epoch, epochTolerance: period });
  if (!result.valid) return false;
  const step = Math.floor(epoch / period) + result.delta;
  const updated = await services.database.db
    .updateTable('account_credentials')
    .set({ mfa_last_step: step })
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Ten one-time recovery codes; only their hashes are kept. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const raw = randomBytes(6).toString('hex').toUpperCase();
    return `${raw.slice(0, 6)}-${raw.slice(6)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** Uses up a recovery code; false when it is unknown or was used before. */
export async function consumeRecoveryCode(services: Services, accountId: number, code: string): Promise<boolean> {
  const state = await mfaState(services, accountId);
  const hash = hashRecoveryCode(code);
  if (!state.recoveryHashes.includes(hash)) return false;
  const remaining = state.recoveryHashes.filter((candidate) => candidate !== hash);
  const updated = await services.database.db
    .updateTable('account_credentials')
    .set({ mfa_recovery_codes: JSON.stringify(remaining) })
    .where('account_id', '=', accountId)
    .where('mfa_recovery_codes', '=', JSON.stringify(state.recoveryHashes))
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Roles whose holders must use a second factor (MFA_REQUIRED_ROLES, built-in role keys). */
export function mfaRequiredFor(roleKeys: (string | null)[], requiredRoles: string): boolean {
  const required = new Set(requiredRoles.split(',').map((key) => key.trim()).filter(Boolean));
  return roleKeys.some((key) => key !== null && required.has(key));
}
