import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Config } from '../../config.ts';

export interface OutgoingSms {
  /** Our message code: sent as the gateway's OutId / SessionContext so receipts and support can match it. */
  reference: string;
  phone: string;
  content: string;
  providerTemplateId: string | null;
  params: Record<string, string>;
}

/**
 * accepted: the gateway acknowledged the message (its id is kept); retry: nothing was accepted, try again
 * later (throttling, network, 5xx); rejected: the gateway refused it for good (bad number, template).
 */
export type SendOutcome =
  | { kind: 'accepted'; providerMessageId: string; delivered?: boolean }
  | { kind: 'retry'; error: string }
  | { kind: 'rejected'; error: string };

/**
 * What the gateway knows of a message sent with our reference (Aliyun OutId, Tencent SessionContext):
 * found (it was accepted: its id when the gateway gives one, and the delivery report if there is one yet),
 * notFound (it never reached the gateway: safe to send again with the same reference), or unknown (the
 * gateway could not be asked, or cannot tell yet: leave the message alone and ask again later).
 */
export type LookupOutcome =
  | { kind: 'found'; providerMessageId: string | null; report: 'pending' | 'delivered' | 'failed'; error?: string }
  | { kind: 'notFound' }
  | { kind: 'unknown'; error: string };

export interface SentQuery {
  reference: string;
  phone: string;
  /** When our send attempt was recorded (the gateway's records of it are no older). */
  since: Date;
}

export interface SmsProvider {
  name: 'log' | 'aliyun' | 'tencent';
  send(message: OutgoingSms): Promise<SendOutcome>;
  /** Asks the gateway whether it accepted a message (crash recovery); providers without it get unacknowledged messages re-sent. */
  lookup?(query: SentQuery): Promise<LookupOutcome>;
}

/** Aliyun's percent-encoding (RFC 3986: space %20, * %2A, ~ kept). */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Aliyun RPC signature v1: HMAC-SHA1 over METHOD&%2F&encode(sorted canonical query), key = secret + '&'. */
export function aliyunRpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const canonical = Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort()
    .map((key) => `${aliyunPercentEncode(key)}=${aliyunPercentEncode(params[key]!)}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac256 = (key: Buffer | string, value: string) => createHmac('sha256', key).update(value, 'utf8').digest();

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  timestamp: number;
  payload: string;
  contentType: string;
}

/** Tencent Cloud API 3.0 signature (TC3-HMAC-SHA256), POST with signed headers content-type;host. */
export function tencentTc3Authorization(input: Tc3Input): { authorization: string; signature: string; canonicalRequestHash: string } {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = ['POST', '/', '', `content-type:${input.contentType}\nhost:${input.host}\n`, 'content-type;host', sha256Hex(input.payload)].join('\n');
  const canonicalRequestHash = sha256Hex(canonicalRequest);
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, canonicalRequestHash].join('\n');
  const signingKey = hmac256(hmac256(hmac256(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return { authorization: `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`, signature, canonicalRequestHash };
}

/** Built-in provider: nothing leaves the server; the message is logged and counts as delivered (visible in the outbox UI). */
export class LogProvider implements SmsProvider {
  readonly name = 'log' as const;
  readonly sent: OutgoingSms[] = [];
  constructor(private log: (entry: Record<string, unknown>) => void = () => {}) {}
  async send(message: OutgoingSms): Promise<SendOutcome> {
    this.sent.push(message);
    this.log({ reference: message.reference, length: message.content.length }, );
    return { kind: 'accepted', providerMessageId: `log-${message.reference}`, delivered: true };
  }
}

const networkError = (error: unknown) => ({ kind: 'retry' as const, error: `network: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500) });

export interface AliyunSettings {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  endpoint: string;
}

type Reply = { status: number; body: Record<string, unknown> } | { networkError: string };

/** Aliyun SMS (API 2017-05-25, RPC style, form-encoded POST): SendSms, and QuerySendDetails for recovery. */
export class AliyunProvider implements SmsProvider {
  readonly name = 'aliyun' as const;
  constructor(private settings: AliyunSettings, private now: () => Date = () => new Date()) {}

  private async call(action: string, extra: Record<string, string>): Promise<Reply> {
    const params: Record<string, string> = {
      AccessKeyId: this.settings.accessKeyId,
      Action: action,
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      ...extra,
    };
    params.Signature = aliyunRpcSignature('POST', params, this.settings.accessKeySecret);
    try {
      const response = await fetch(this.settings.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Object.entries(params).map(([key, value]) => `${aliyunPercentEncode(key)}=${aliyunPercentEncode(value)}`).join('&'),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    } catch (error) {
      return { networkError: networkError(error).error };
    }
  }

  async send(message: OutgoingSms): Promise<SendOutcome> {
    if (!message.providerTemplateId) return { kind: 'rejected', error: 'template: no provider template id (TemplateCode)' };
    const reply = await this.call('SendSms', {
      OutId: message.reference,
      PhoneNumbers: message.phone,
      SignName: this.settings.signName,
      TemplateCode: message.providerTemplateId,
      TemplateParam: JSON.stringify(message.params),
    });
    if ('networkError' in reply) return { kind: 'retry', error: reply.networkError };
    const body = reply.body as { Code?: string; Message?: string; BizId?: string };
    if (body.Code === 'OK' && body.BizId) return { kind: 'accepted', providerMessageId: body.BizId };
    const error = `${body.Code ?? reply.status}: ${body.Message ?? ''}`.slice(0, 500);
    // Flow control and server trouble pass; everything else (bad number, template, signature, balance) needs a person.
    if (reply.status >= 500 || /^isv\.(BUSINESS_LIMIT_CONTROL|OUT_OF_SERVICE)|^(Throttling|ServiceUnavailable|InternalError)/.test(body.Code ?? '')) return { kind: 'retry', error };
    return { kind: 'rejected', error };
  }

  /**
   * QuerySendDetails lists what was sent to one number on one day (Beijing time), 50 a page; our reference is
   * the record's OutId. The days from the attempt to now are searched (an attempt near midnight spans two).
   */
  async lookup(query: SentQuery): Promise<LookupOutcome> {
    const beijingDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const days = [...new Set([beijingDay(query.since), beijingDay(new Date(Math.max(query.since.getTime(), this.now().getTime())))])];
    for (const day of days) {
      for (let page = 1; page <= 20; page++) {
        const reply = await this.call('QuerySendDetails', { PhoneNumber: query.phone, SendDate: day, PageSize: '50', CurrentPage: String(page) });
        if ('networkError' in reply) return { kind: 'unknown', error: reply.networkError };
        const body = reply.body as { Code?: string; Message?: string; SmsSendDetailDTOs?: { SmsSendDetailDTO?: { OutId?: string; SendStatus?: number; ErrCode?: string }[] } };
        if (body.Code !== 'OK') return { kind: 'unknown', error: `${body.Code ?? reply.status}: ${body.Message ?? ''}`.slice(0, 500) };
        const records = body.SmsSendDetailDTOs?.SmsSendDetailDTO ?? [];
        const match = records.find((record) => record.OutId === query.reference);
        if (match) {
          // SendStatus 1 waiting for the receipt, 2 failed, 3 delivered. The record carries no BizId: receipts then match on OutId.
          const status = Number(match.SendStatus);
          return { kind: 'found', providerMessageId: null, report: status === 3 ? 'delivered' : status === 2 ? 'failed' : 'pending', ...(status === 2 ? { error: `receipt: ${match.ErrCode ?? ''}`.trim() } : {}) };
        }
        if (records.length < 50) break;
      }
    }
    return { kind: 'notFound' };
  }
}

export interface TencentSettings {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region: string;
  endpoint: string;
}

/**
 * Tencent reports a message to PullSmsSendStatusByPhoneNumber only once the operator's delivery report is in
 * (usually seconds). Until this long after the attempt, "not there" means "cannot tell yet", not "never sent".
 */
export const TENCENT_REPORT_WAIT_SECONDS = 600;

/** Tencent Cloud SMS (API 2021-01-11, JSON POST signed with TC3-HMAC-SHA256): SendSms, and PullSmsSendStatusByPhoneNumber for recovery. */
export class TencentProvider implements SmsProvider {
  readonly name = 'tencent' as const;
  constructor(private settings: TencentSettings, private now: () => Date = () => new Date()) {}

  private async call(action: string, request: Record<string, unknown>): Promise<Reply> {
    const url = new URL(this.settings.endpoint);
    const payload = JSON.stringify(request);
    const timestamp = Math.floor(Date.now() / 1000);
    const contentType = 'application/json; charset=utf-8';
    const { authorization } = tencentTc3Authorization({ secretId: this.settings.secretId, secretKey: this.settings.secretKey, service: 'sms', host: url.host, timestamp, payload, contentType });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization, 'content-type': contentType, 'x-tc-action': action, 'x-tc-version': '2021-01-11', 'x-tc-timestamp': String(timestamp), 'x-tc-region': this.settings.region },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
    } catch (error) {
      return { networkError: networkError(error).error };
    }
  }

  private static e164 = (phone: string) => (phone.startsWith('+') ? phone : `+86${phone}`);

  async send(message: OutgoingSms): Promise<SendOutcome> {
    if (!message.providerTemplateId) return { kind: 'rejected', error: 'template: no provider template id (TemplateId)' };
    const reply = await this.call('SendSms', {
      PhoneNumberSet: [TencentProvider.e164(message.phone)],
      SmsSdkAppId: this.settings.sdkAppId,
      SignName: this.settings.signName,
      TemplateId: message.providerTemplateId,
      TemplateParamSet: Object.values(message.params),
      SessionContext: message.reference,
    });
    if ('networkError' in reply) return { kind: 'retry', error: reply.networkError };
    const body = reply.body as { Response?: { Error?: { Code: string; Message: string }; SendStatusSet?: { SerialNo: string; Code: string; Message: string }[] } };
    const error = body.Response?.Error;
    if (error || reply.status >= 300) {
      const text = `${error?.Code ?? reply.status}: ${error?.Message ?? ''}`.slice(0, 500);
      if (reply.status >= 500 || /^(RequestLimitExceeded|InternalError|LimitExceeded)/.test(error?.Code ?? '')) return { kind: 'retry', error: text };
      return { kind: 'rejected', error: text };
    }
    const status = body.Response?.SendStatusSet?.[0];
    if (status?.Code === 'Ok') return { kind: 'accepted', providerMessageId: status.SerialNo };
    const text = `${status?.Code ?? 'NoStatus'}: ${status?.Message ?? ''}`.slice(0, 500);
    return /^LimitExceeded/.test(status?.Code ?? '') ? { kind: 'retry', error: text } : { kind: 'rejected', error: text };
  }

  /** The number's delivery reports since the attempt; ours carries our reference as SessionContext. */
  async lookup(query: SentQuery): Promise<LookupOutcome> {
    const begin = Math.floor(query.since.getTime() / 1000) - 60;
    const reply = await this.call('PullSmsSendStatusByPhoneNumber', {
      BeginTime: begin,
      EndTime: Math.max(begin, Math.floor(this.now().getTime() / 1000)) + 60,
      Offset: 0,
      Limit: 100,
      PhoneNumber: TencentProvider.e164(query.phone),
      SmsSdkAppId: this.settings.sdkAppId,
    });
    if ('networkError' in reply) return { kind: 'unknown', error: reply.networkError };
    const body = reply.body as { Response?: { Error?: { Code: string; Message: string }; PullSmsSendStatusSet?: { SerialNo: string; ReportStatus: string; Description?: string; SessionContext?: string }[] } };
    if (body.Response?.Error || reply.status >= 300) return { kind: 'unknown', error: `${body.Response?.Error?.Code ?? reply.status}: ${body.Response?.Error?.Message ?? ''}`.slice(0, 500) };
    const match = body.Response?.PullSmsSendStatusSet?.find((entry) => entry.SessionContext === query.reference);
    if (match) return { kind: 'found', providerMessageId: match.SerialNo || null, report: match.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed', ...(match.ReportStatus === 'SUCCESS' ? {} : { error: `receipt: ${match.Description ?? match.ReportStatus}` }) };
    if (this.now().getTime() - query.since.getTime() < TENCENT_REPORT_WAIT_SECONDS * 1000) return { kind: 'unknown', error: 'no delivery report yet' };
    return { kind: 'notFound' };
  }
}

/** The provider SMS_PROVIDER names; a real gateway missing its keys refuses to start rather than dropping messages. */
export function providerFromConfig(config: Config, log: (entry: Record<string, unknown>) => void): SmsProvider {
  if (config.SMS_PROVIDER === 'aliyun') {
    const { SMS_ALIYUN_ACCESS_KEY_ID: accessKeyId, SMS_ALIYUN_ACCESS_KEY_SECRET: accessKeySecret, SMS_ALIYUN_SIGN_NAME: signName } = config;
    if (!accessKeyId || !accessKeySecret || !signName) throw new Error('SMS_PROVIDER=aliyun needs SMS_ALIYUN_ACCESS_KEY_ID, SMS_ALIYUN_ACCESS_KEY_SECRET and SMS_ALIYUN_SIGN_NAME');
    return new AliyunProvider({ accessKeyId, accessKeySecret, signName, endpoint: config.SMS_ALIYUN_ENDPOINT });
  }
  if (config.SMS_PROVIDER === 'tencent') {
    const { SMS_TENCENT_SECRET_ID: secretId, SMS_TENCENT_SECRET_KEY: secretKey, SMS_TENCENT_SDK_APP_ID: sdkAppId, SMS_TENCENT_SIGN_NAME: signName } = config;
    if (!secretId || !secretKey || !sdkAppId || !signName) throw new Error('SMS_PROVIDER=tencent needs SMS_TENCENT_SECRET_ID, SMS_TENCENT_SECRET_KEY, SMS_TENCENT_SDK_APP_ID and SMS_TENCENT_SIGN_NAME');
    return new TencentProvider({ secretId, secretKey, sdkAppId, signName, region: config.SMS_TENCENT_REGION, endpoint: config.SMS_TENCENT_ENDPOINT });
  }
  return new LogProvider(log);
}
