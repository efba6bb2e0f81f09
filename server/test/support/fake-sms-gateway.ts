import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { aliyunRpcSignature, tencentTc3Authorization } from '../../src/domains/notification/providers.ts';

export const fakeAliyun = { accessKeyId: 'LTAIfake', secret: 'fake-aliyun-secret' };
export const fakeTencent = { secretId: 'AKIDfake', secretKey: 'fake-tencent-secret-key', sdkAppId: '1400000000' };

interface Delivered {
  vendor: 'aliyun' | 'tencent';
  reference: string;
  phone: string;
  providerId: string;
}

/**
 * A loopback stand-in for both gateways, as far as sending and looking up go: it checks each request's
 * signature like the vendor (a wrong one is refused), accepts SendSms, remembers every message it accepted
 * (so the tests can count deliveries per reference — OutId / SessionContext) and answers the vendors' lookup
 * calls (Aliyun QuerySendDetails, Tencent PullSmsSendStatusByPhoneNumber) from those records.
 */
export class FakeSmsGateway {
  readonly delivered: Delivered[] = [];
  readonly lookups: { vendor: string; params: Record<string, unknown> }[] = [];
  /** Lookups answer a server error while set (a gateway that cannot be asked). */
  queriesFail = false;
  /** Aliyun SendStatus the records report: 1 waiting for the receipt, 3 delivered. */
  aliyunSendStatus: 1 | 2 | 3 = 3;
  base = '';
  private server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => this.answer(request, Buffer.concat(chunks).toString('utf8'), (status, body) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    }));
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  close = () => new Promise<void>((resolve) => this.server.close(() => resolve()));

  /** How many times the gateway accepted a message with this reference. */
  count = (reference: string) => this.delivered.filter((entry) => entry.reference === reference).length;

  private answer(request: http.IncomingMessage, raw: string, reply: (status: number, body: unknown) => void) {
    if (request.url === '/aliyun/') {
      const params = Object.fromEntries(new URLSearchParams(raw));
      const { Signature, ...rest } = params;
      if (Signature !== aliyunRpcSignature('POST', rest, fakeAliyun.secret)) return reply(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
      if (params.Action === 'SendSms') {
        const providerId = `BIZ-${this.delivered.length + 1}^0`;
        this.delivered.push({ vendor: 'aliyun', reference: params.OutId!, phone: params.PhoneNumbers!, providerId });
        return reply(200, { Code: 'OK', Message: 'OK', BizId: providerId, RequestId: 'r-send' });
      }
      if (params.Action === 'QuerySendDetails') {
        this.lookups.push({ vendor: 'aliyun', params });
        if (this.queriesFail) return reply(503, { Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.' });
        if (!/^\d{8}$/.test(params.SendDate ?? '') || !params.PhoneNumber || !params.PageSize) return reply(400, { Code: 'isv.INVALID_PARAMETERS', Message: 'bad query' });
        const size = Number(params.PageSize);
        const page = Number(params.CurrentPage ?? 1);
        const records = this.delivered.filter((entry) => entry.vendor === 'aliyun' && entry.phone === params.PhoneNumber);
        const slice = records.slice((page - 1) * size, page * size).map((entry) => ({
          PhoneNum: entry.phone,
          SendStatus: this.aliyunSendStatus,
          ErrCode: this.aliyunSendStatus === 3 ? 'DELIVERED' : this.aliyunSendStatus === 2 ? 'MK:0001' : '',
          TemplateCode: 'SMS_1',
          Content: '【测试】…',
          SendDate: '2026-09-20 10:00:00',
          ReceiveDate: '2026-09-20 10:00:05',
          OutId: entry.reference,
        }));
        return reply(200, { Code: 'OK', Message: 'OK', RequestId: 'r-query', TotalCount: records.length, SmsSendDetailDTOs: { SmsSendDetailDTO: slice } });
      }
      return reply(400, { Code: 'InvalidAction.NotFound', Message: 'unknown action' });
    }
    if (request.url === '/tencent/') {
      const expected = tencentTc3Authorization({
        secretId: fakeTencent.secretId,
        secretKey: fakeTencent.secretKey,
        service: 'sms',
        host: String(request.headers.host),
        timestamp: Number(request.headers['x-tc-timestamp']),
        payload: raw,
        contentType: String(request.headers['content-type']),
      });
      if (request.headers.authorization !== expected.authorization || request.headers['x-tc-version'] !== '2021-01-11')
        return reply(200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'signature mismatch' }, RequestId: 't0' } });
      const body = JSON.parse(raw) as Record<string, unknown>;
      if (request.headers['x-tc-action'] === 'SendSms') {
        const phone = (body.PhoneNumberSet as string[])[0]!;
        const providerId = `SN-${this.delivered.length + 1}`;
        this.delivered.push({ vendor: 'tencent', reference: String(body.SessionContext), phone, providerId });
        return reply(200, { Response: { SendStatusSet: [{ SerialNo: providerId, PhoneNumber: phone, Fee: 1, SessionContext: body.SessionContext, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }], RequestId: 't-send' } });
      }
      if (request.headers['x-tc-action'] === 'PullSmsSendStatusByPhoneNumber') {
        this.lookups.push({ vendor: 'tencent', params: body });
        if (this.queriesFail) return reply(200, { Response: { Error: { Code: 'InternalError.Timeout', Message: 'timeout' }, RequestId: 't-err' } });
        if (typeof body.BeginTime !== 'number' || typeof body.Limit !== 'number' || body.SmsSdkAppId !== fakeTencent.sdkAppId || typeof body.PhoneNumber !== 'string')
          return reply(200, { Response: { Error: { Code: 'InvalidParameter', Message: 'bad query' }, RequestId: 't-bad' } });
        const set = this.delivered
          .filter((entry) => entry.vendor === 'tencent' && entry.phone === body.PhoneNumber)
          .map((entry) => ({ UserReceiveTime: 1790000000, CountryCode: '86', SubscriberNumber: entry.phone.slice(3), PhoneNumber: entry.phone, SerialNo: entry.providerId, ReportStatus: 'SUCCESS', Description: 'DELIVRD', SessionContext: entry.reference }));
        return reply(200, { Response: { PullSmsSendStatusSet: set, RequestId: 't-pull' } });
      }
      return reply(200, { Response: { Error: { Code: 'InvalidAction', Message: 'unknown action' }, RequestId: 't-x' } });
    }
    reply(404, {});
  }
}
