import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AliyunProvider, TencentProvider, aliyunPercentEncode, aliyunRpcSignature, tencentTc3Authorization } from '../src/domains/notification/providers.ts';

describe('gateway signatures against the vendors\' published examples', () => {
  it('Aliyun RPC (HMAC-SHA1): the SendSms example of the SMS documentation', () => {
    const params = {
      AccessKeyId: 'testId',
      Action: 'SendSms',
      Format: 'XML',
      OutId: '123',
      PhoneNumbers: '15300000001',
      RegionId: 'cn-hangzhou',
      SignName: '阿里云短信测试专用',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
      SignatureVersion: '1.0',
      TemplateCode: 'SMS_71390007',
      TemplateParam: '{"customer":"test"}',
      Timestamp: '2017-07-12T02:42:19Z',
      Version: '2017-05-25',
    };
    expect(aliyunRpcSignature('GET', params, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  it('Aliyun RPC: the DescribeRegions example of the signature documentation', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(aliyunRpcSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(aliyunPercentEncode("a b*c~d!'()")).toBe('a%20b%2Ac~d%21%27%28%29');
  });

  it('Tencent Cloud TC3-HMAC-SHA256: the DescribeInstances example of the API 3.0 documentation', () => {
    const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
    expect(createHash('sha256').update(payload).digest('hex')).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    const result = tencentTc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      timestamp: 1551113065,
      payload,
      contentType: 'application/json; charset=utf-8',
    });
    expect(result.canonicalRequestHash).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
    expect(result.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(result.authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });
});

/**
 * Local fake gateways on loopback: each recomputes the signature with the shared secret (refusing a wrong
 * one as the vendor would) and answers by phone number: …0001 success, …0002 throttled, …0003 refused.
 */
let server: http.Server;
let base: string;
const received: { vendor: string; body: Record<string, unknown> }[] = [];
const aliyunSecret = 'fake-aliyun-secret';
const tencentKey = 'fake-tencent-secret-key';

function answerFor(phone: string) {
  if (phone.endsWith('0001')) return 'ok';
  if (phone.endsWith('0002')) return 'throttle';
  return 'error';
}

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.url === '/aliyun/') {
        const params = Object.fromEntries(new URLSearchParams(raw));
        received.push({ vendor: 'aliyun', body: params });
        const { Signature, ...rest } = params;
        if (Signature !== aliyunRpcSignature('POST', rest, aliyunSecret)) return reply(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' });
        const answer = answerFor(params.PhoneNumbers!);
        if (answer === 'ok') return reply(200, { Code: 'OK', Message: 'OK', BizId: `BIZ-${params.OutId}`, RequestId: 'r1' });
        if (answer === 'throttle') return reply(200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1', RequestId: 'r2' });
        return reply(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'r3' });
      }
      if (request.url === '/tencent/') {
        const body = JSON.parse(raw) as { PhoneNumberSet: string[]; SessionContext: string };
        received.push({ vendor: 'tencent', body });
        const expected = tencentTc3Authorization({
          secretId: 'AKIDfake',
          secretKey: tencentKey,
          service: 'sms',
          host: String(request.headers.host),
          timestamp: Number(request.headers['x-tc-timestamp']),
          payload: raw,
          contentType: String(request.headers['content-type']),
        });
        if (request.headers.authorization !== expected.authorization || request.headers['x-tc-action'] !== 'SendSms' || request.headers['x-tc-version'] !== '2021-01-11')
          return reply(200, { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'signature mismatch' }, RequestId: 't0' } });
        const answer = answerFor(body.PhoneNumberSet[0]!);
        if (answer === 'ok') return reply(200, { Response: { SendStatusSet: [{ SerialNo: `SN-${body.SessionContext}`, PhoneNumber: body.PhoneNumberSet[0], Code: 'Ok', Message: 'send success' }], RequestId: 't1' } });
        if (answer === 'throttle') return reply(200, { Response: { Error: { Code: 'RequestLimitExceeded', Message: 'too many requests' }, RequestId: 't2' } });
        return reply(200, { Response: { SendStatusSet: [{ SerialNo: '', PhoneNumber: body.PhoneNumberSet[0], Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'bad number' }], RequestId: 't3' } });
      }
      reply(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const message = (phone: string) => ({ reference: `SMS${phone.slice(-4)}`, phone, content: '张三，您的保单即将到期。', providerTemplateId: 'SMS_1', params: { customerName: '张三', date: '2026-07-31' } });

describe('Aliyun adapter against the local fake gateway', () => {
  const provider = () => new AliyunProvider({ accessKeyId: 'LTAIfake', accessKeySecret: aliyunSecret, signName: '测试签名', endpoint: `${base}/aliyun/` });

  it('sends the published SendSms request and keeps the BizId', async () => {
    expect(await provider().send(message('13800000001'))).toEqual({ kind: 'accepted', providerMessageId: 'BIZ-SMS0001' });
    expect(received.at(-1)!.body).toMatchObject({ Action: 'SendSms', Version: '2017-05-25', PhoneNumbers: '13800000001', SignName: '测试签名', TemplateCode: 'SMS_1', OutId: 'SMS0001', SignatureMethod: 'HMAC-SHA1', TemplateParam: '{"customerName":"张三","date":"2026-07-31"}' });
  });
  it('throttling is temporary, a bad number final, a wrong secret refused by the signature check', async () => {
    expect(await provider().send(message('13800000002'))).toMatchObject({ kind: 'retry', error: expect.stringContaining('isv.BUSINESS_LIMIT_CONTROL') });
    expect(await provider().send(message('13800000003'))).toMatchObject({ kind: 'rejected', error: expect.stringContaining('isv.MOBILE_NUMBER_ILLEGAL') });
    const wrong = new AliyunProvider({ accessKeyId: 'LTAIfake', accessKeySecret: 'not-the-secret', signName: '测试签名', endpoint: `${base}/aliyun/` });
    expect(await wrong.send(message('13800000001'))).toMatchObject({ kind: 'rejected', error: expect.stringContaining('SignatureDoesNotMatch') });
  });
  it('a message without the provider template id is refused before any call', async () => {
    const before = received.length;
    expect((await provider().send({ ...message('13800000001'), providerTemplateId: null })).kind).toBe('rejected');
    expect(received.length).toBe(before);
  });
  it('an unreachable gateway is a temporary failure', async () => {
    const down = new AliyunProvider({ accessKeyId: 'x', accessKeySecret: 'y', signName: 'z', endpoint: 'http://127.0.0.1:9/' });
    expect((await down.send(message('13800000001'))).kind).toBe('retry');
  });
});

describe('Tencent adapter against the local fake gateway', () => {
  const provider = (secretKey = tencentKey) => new TencentProvider({ secretId: 'AKIDfake', secretKey, sdkAppId: '1400000000', signName: '测试签名', region: 'ap-guangzhou', endpoint: `${base}/tencent/` });

  it('sends a TC3-signed SendSms and keeps the serial number', async () => {
    expect(await provider().send(message('13800000001'))).toEqual({ kind: 'accepted', providerMessageId: 'SN-SMS0001' });
    expect(received.at(-1)!.body).toMatchObject({ PhoneNumberSet: ['+8613800000001'], SmsSdkAppId: '1400000000', SignName: '测试签名', TemplateId: 'SMS_1', TemplateParamSet: ['张三', '2026-07-31'], SessionContext: 'SMS0001' });
  });
  it('throttling is temporary, a bad number final, a wrong key refused by the signature check', async () => {
    expect((await provider().send(message('13800000002'))).kind).toBe('retry');
    expect(await provider().send(message('13800000003'))).toMatchObject({ kind: 'rejected', error: expect.stringContaining('IncorrectPhoneNumber') });
    expect(await provider('wrong-key').send(message('13800000001'))).toMatchObject({ kind: 'rejected', error: expect.stringContaining('AuthFailure.SignatureFailure') });
  });
});
