import { z } from 'zod';
import { currentLocale } from './i18n.ts';

const errorBodySchema = z.looseObject({
  code: z.string(),
  message: z.string().optional(),
  fields: z.record(z.string(), z.string()).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  requestId: z.string().optional(),
});

/** An error answered by the server (or a network failure, code NETWORK). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly params: Record<string, unknown>;
  readonly requestId: string | undefined;

  constructor(status: number, body: z.infer<typeof errorBodySchema>) {
    super(body.message ?? body.code);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? {};
    this.params = body.params ?? {};
    this.requestId = body.requestId;
  }
}

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;

let csrfToken: string | undefined;
let unauthorizedHandler: ((error: ApiError) => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called for every 401 outside the login endpoints (session ended, replaced or expired). */
export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | undefined): void {
  unauthorizedHandler = handler;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  /** A file sent as the raw request body with this content type (imports) instead of JSON. */
  raw?: { data: Blob; contentType: string };
  signal?: AbortSignal;
  /** Do not call the global 401 handler (used by the login form and the first session probe). */
  quietUnauthorized?: boolean;
}

async function readError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) return new ApiError(response.status, parsed.data);
  return new ApiError(response.status, { code: response.status >= 500 ? 'INTERNAL' : `HTTP_${response.status}` });
}

/** One JSON request to the API; resolves to the parsed body (undefined for 204). */
export async function request(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': currentLocale() };
  if (options.raw) headers['content-type'] = options.raw.contentType;
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.raw ? options.raw.data : options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, { code: 'NETWORK' });
  }
  if (!response.ok) {
    const error = await readError(response);
    if (response.status === 401 && !options.quietUnauthorized && !path.startsWith('/api/auth/')) {
      unauthorizedHandler?.(error);
    }
    throw error;
  }
  if (response.status === 204) return undefined;
  const text = await response.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** A request whose answer is checked against a schema, so pages work with typed data. */
export async function requestParsed<T>(schema: z.ZodType<T>, method: HttpMethod, path: string, options?: RequestOptions): Promise<T> {
  return schema.parse(await request(method, path, options));
}

export const api = {
  get: <T>(schema: z.ZodType<T>, path: string, signal?: AbortSignal) => requestParsed(schema, 'GET', path, { signal }),
  post: <T>(schema: z.ZodType<T>, path: string, body?: unknown) => requestParsed(schema, 'POST', path, { body: body ?? {} }),
  patch: <T>(schema: z.ZodType<T>, path: string, body: unknown) => requestParsed(schema, 'PATCH', path, { body }),
  remove: (path: string) => request('DELETE', path).then(() => undefined),
  send: (method: HttpMethod, path: string, body?: unknown) => request(method, path, { body }).then(() => undefined),
};
