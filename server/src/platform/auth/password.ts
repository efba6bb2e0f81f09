import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, length: number, options: object) => Promise<Buffer>;

// N=2^15, r=8, p=1: ~50 ms and 32 MiB per hash on this class of machine (OWASP's scrypt floor is N=2^17 with
// p=1 or N=2^15 with more memory/time trade-offs); maxmem raised accordingly.
const params = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const keyLength = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, keyLength, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: params.maxmem,
  });
  return timingSafeEqual(actual, expected);
}

/** A hash of a random password, verified against when the login name is unknown so timing does not tell. */
export const dummyHashPromise = hashPassword(randomBytes(12).toString('base64url'));

const commonPasswords = new Set(
  `123456 123456789 12345678 password qwerty123 qwerty 1234567890 1234567 password1 123123 000000 iloveyou 1q2w3e4r 123321
  qwertyuiop 654321 555555 lovely 7777777 welcome 888888 princess dragon password123 123qwe 666666 1qaz2wsx 121212 abc123
  football monkey letmein shadow master sunshine ashley bailey passw0rd 123456a a123456 aa123456 woaini woaini1314 5201314
  1314520 abcd1234 admin admin123 administrator root toor test123 p@ssw0rd p@ssword qwe123 asd123 zxc123 q1w2e3r4 a1b2c3d4
  11111111 00000000 88888888 12341234 11223344 qazwsxedc 1qaz2wsx3edc zaq12wsx changeme secret trustno1 superman batman
  baseball hello123 welcome1 login computer internet killer pass1234 test1234 abcdef abcdefg abcdefgh 987654321 147258369
  159753 147852369 789456123 aaaaaaaa qweasdzxc asdfghjkl zxcvbnm 1a2b3c4d password1234 admin@123 admin1234 root1234
  huawei123 baidu123 taobao123 sina123 qq123456 woaiwojia iloveyou1 nihao123 zhangwei wangwei insurance baoxian123`
    .split(/\s+/)
    .filter(Boolean),
);

export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
  requireClasses: boolean;
}

export const defaultPasswordPolicy: PasswordPolicy = { minLength: 10, maxLength: 128, requireClasses: false };

/** The deployment's policy: 等保 deployments switch on character classes (and may raise the length) in configuration. */
export const passwordPolicyFrom = (config: { PASSWORD_MIN_LENGTH: number; PASSWORD_REQUIRE_CLASSES: boolean }): PasswordPolicy => ({
  ...defaultPasswordPolicy,
  minLength: config.PASSWORD_MIN_LENGTH,
  requireClasses: config.PASSWORD_REQUIRE_CLASSES,
});

/** Returns a reason code when the password is not acceptable (ASVS 6.2: length + deny-list; classes optional for 等保). */
export function checkPasswordPolicy(password: string, context: string[], policy = defaultPasswordPolicy): string | null {
  if (password.length < policy.minLength) return 'password_too_short';
  if (password.length > policy.maxLength) return 'password_too_long';
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower) || commonPasswords.has(lower.replace(/[^a-z0-9@]/g, ''))) return 'password_too_common';
  if (/^(.)\1+$/.test(password)) return 'password_too_common';
  for (const word of context) {
    if (word && word.length >= 3 && lower.includes(word.toLowerCase())) return 'password_contains_context';
  }
  if (policy.requireClasses) {
    const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(password)).length;
    if (classes < 3) return 'password_needs_classes';
  }
  return null;
}

export const generatePassword = () => `${randomBytes(12).toString('base64url')}-${randomBytes(3).toString('hex')}`;
