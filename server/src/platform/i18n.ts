import type { ErrorCode } from './errors.ts';

export type Locale = 'zh-CN' | 'en-US';

const codeMessages: Record<ErrorCode, [string, string]> = {
  VALIDATION: ['输入有误，请检查标出的字段', 'Some fields are invalid'],
  BAD_REQUEST: ['请求格式有误', 'The request is malformed'],
  UNAUTHENTICATED: ['请先登录', 'Please sign in'],
  SESSION_REPLACED: ['您的账号已在其他地方登录，本会话已结束', 'You were signed in elsewhere; this session has ended'],
  SESSION_EXPIRED: ['会话已过期，请重新登录', 'Your session has expired; please sign in again'],
  INVALID_CREDENTIALS: ['账号或密码错误', 'Wrong login name or password'],
  CAPTCHA_INVALID: ['验证码错误或已过期', 'The captcha is wrong or has expired'],
  ACCOUNT_LOCKED: ['登录失败次数过多，账号已临时锁定', 'Too many failed sign-ins; the account is locked for a while'],
  ACCOUNT_DISABLED: ['账号已停用', 'This account is disabled'],
  RATE_LIMITED: ['请求过于频繁，请稍后再试', 'Too many requests; please try again later'],
  CSRF: ['请求来源校验失败，请刷新页面后重试', 'Request verification failed; reload the page and try again'],
  FORBIDDEN: ['没有执行此操作的权限', 'You do not have permission to do this'],
  MFA_REQUIRED: ['请输入身份验证器中的动态验证码', 'Enter the code from your authenticator app'],
  MFA_INVALID: ['动态验证码错误、已使用或登录步骤已过期', 'The code is wrong, already used, or the sign-in step expired'],
  MFA_ENROLLMENT_REQUIRED: ['您的角色要求启用双因素认证，请先绑定身份验证器', 'Your role requires two-factor authentication: set up an authenticator app first'],
  NOT_FOUND: ['记录不存在', 'Not found'],
  VERSION_CONFLICT: ['该记录已被他人修改，请刷新后再编辑', 'Someone else changed this record; reload it and edit again'],
  DUPLICATE: ['存在重复的记录', 'A record with the same value already exists'],
  IN_USE: ['该记录仍被其他记录引用', 'Other records still refer to this record'],
  INVALID_REFERENCE: ['所选关联记录不可用', 'A chosen related record is not available'],
  INVALID_TRANSITION: ['当前状态下不能执行此操作', 'This action is not allowed in the current state'],
  IMPORT_INVALID: ['导入文件有错误，未导入任何数据；请下载错误报告修改后重试', 'The file has errors and nothing was imported; download the error report, fix and retry'],
  PAYLOAD_TOO_LARGE: ['请求内容过大', 'The request is too large'],
  UNSUPPORTED_MEDIA_TYPE: ['不支持的内容类型', 'Unsupported content type'],
  UNAVAILABLE: ['服务暂时不可用', 'The service is temporarily unavailable'],
  INTERNAL: ['服务器内部错误', 'Internal server error'],
};

const reasonMessages: Record<string, [string, string]> = {
  required: ['必填', 'Required'],
  invalid_type: ['类型不正确', 'Wrong type'],
  too_long: ['长度不能超过 {max}', 'At most {max} characters'],
  too_short: ['长度不能少于 {min}', 'At least {min} characters'],
  too_big: ['不能大于 {max}', 'Must be at most {max}'],
  too_small: ['不能小于 {min}', 'Must be at least {min}'],
  invalid_value: ['不是允许的取值', 'Not an allowed value'],
  invalid_format: ['格式不正确', 'Wrong format'],
  unknown_field: ['不允许的字段', 'Unknown field'],
  invalid_phone: ['手机号或电话号码格式不正确', 'Not a valid phone number'],
  invalid_id_number: ['身份证号不正确（校验位或出生日期有误）', 'Not a valid ID number (check digit or birth date)'],
  invalid_date: ['日期无效，格式为 YYYY-MM-DD', 'Not a valid date (YYYY-MM-DD)'],
  too_many_decimals: ['最多两位小数', 'At most two decimal places'],
  not_integer: ['必须是整数', 'Must be a whole number'],
  duplicate: ['已存在相同的值', 'This value is already used'],
  reference_unavailable: ['所选记录不存在、已删除或不可用', 'The chosen record does not exist, was deleted or is not available'],
  out_of_scope: ['超出您的数据权限范围', 'Outside your data scope'],
  cycle: ['不能选择自身或下级作为上级', 'Cannot be itself or one of its descendants'],
  password_too_short: ['密码至少 {min} 位', 'The password needs at least {min} characters'],
  password_too_long: ['密码过长', 'The password is too long'],
  password_too_common: ['密码过于常见，请换一个', 'This password is too common'],
  password_contains_context: ['密码不能包含账号或姓名', 'The password must not contain your login or name'],
  password_needs_classes: ['密码需包含大小写字母、数字、符号中的三类', 'Use three of: lower case, upper case, digits, symbols'],
  wrong_password: ['当前密码不正确', 'The current password is wrong'],
  wrong_mfa_code: ['验证码不正确或已使用', 'The code is wrong or was already used'],
  duplicate_in_file: ['文件中存在重复值', 'Repeated in the file'],
  too_many_rows: ['超过单次导入行数上限', 'Too many rows for one import'],
  empty_file: ['文件为空或没有表头', 'The file is empty or has no header row'],
  unreadable_file: ['无法读取文件，请使用 xlsx 模板', 'The file cannot be read; use the xlsx template'],
  product_off_sale: ['该产品已停售', 'This product is off sale'],
  age_outside_product_range: ['被保险人起保时 {age} 岁，不在产品投保年龄 {min}-{max} 岁范围内', 'The insured is {age} at the start date, outside the product age range {min}-{max}'],
  sum_insured_outside_range: ['保险金额须在 {min} 至 {max} 元之间', 'The sum insured must be between {min} and {max}'],
  end_before_start: ['止期不能早于起期', 'The end date is before the start date'],
  incident_outside_policy_period: ['出险时间不在保险期间（{start} 至 {end}）内；如需豁免，请填写豁免原因（需审批权限）', 'The incident is outside the policy period ({start} to {end}); an override needs a reason and the approve permission'],
  exceeds_remaining_sum_insured: ['核定金额超过保单剩余保额 {remaining} 元；如需豁免，请填写豁免原因', 'The approved amount exceeds the remaining sum insured ({remaining}); an override needs a reason'],
  exceeds_approved_amount: ['赔付金额不能超过核定金额 {max} 元', 'The paid amount cannot exceed the approved amount ({max})'],
  already_renewed: ['该保单已续保', 'This policy has already been renewed'],
  grant_exceeds_own: ['不能授予自己没有的权限', 'You cannot grant a permission you do not hold'],
  unknown_permission: ['未知的权限', 'Unknown permission'],
};

const pick = (pair: [string, string], locale: Locale) => (locale === 'en-US' ? pair[1] : pair[0]);

export const codeMessage = (code: ErrorCode, locale: Locale) => pick(codeMessages[code], locale);

export function reasonMessage(reason: string, params: Record<string, unknown> | undefined, locale: Locale): string {
  const pair = reasonMessages[reason];
  if (!pair) return reason;
  return pick(pair, locale).replace(/\{(\w+)\}/g, (_, key: string) => String(params?.[key] ?? ''));
}

/** Caller's language: the signed-in user's setting, else Accept-Language, else Chinese. */
export function localeFrom(acceptLanguage: string | undefined, preferred?: string | null): Locale {
  if (preferred === 'en-US' || preferred === 'zh-CN') return preferred;
  return acceptLanguage?.toLowerCase().startsWith('en') ? 'en-US' : 'zh-CN';
}
