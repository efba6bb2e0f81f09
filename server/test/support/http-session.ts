import { type ApiResponse, type Client, type Method, adminPassword } from '../test-app.ts';

/** An admin cookie session over real HTTP (a server in a child process), with the in-process test client's interface. */
export async function signInOverHttp(url: string): Promise<Client> {
  const captcha = await fetch(`${url}/api/auth/captcha`);
  const { captchaId } = (await captcha.json()) as { captchaId: string };
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ loginName: 'admin', password: adminPassword, captchaId, captchaAnswer: captcha.headers.get('x-test-captcha-answer') }),
  });
  const login = (await response.json()) as { csrfToken: string };
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('sid='))!.split(';')[0]!;
  return {
    loginName: 'admin',
    cookie,
    csrf: login.csrfToken,
    login: { status: response.status, body: login, headers: {}, text: '' },
    request: async (method: Method, requestPath: string, body?: unknown): Promise<ApiResponse> => {
      const answer = await fetch(`${url}${requestPath}`, {
        method,
        headers: { cookie, origin: url, 'x-csrf-token': login.csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, body: text && answer.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null, headers: {}, text };
    },
  };
}
