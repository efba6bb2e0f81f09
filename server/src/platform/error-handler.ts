import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { codeMessage, localeFrom, reasonMessage, type Locale } from './i18n.ts';

interface DatabaseError {
  code?: string;
  message?: string;
}

function fromDatabase(error: DatabaseError): AppError | null {
  const code = error.code ?? '';
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') return new AppError('DUPLICATE');
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === '23503') return new AppError('IN_USE');
  if (code === 'SQLITE_BUSY' || code === '40001' || code === '40P01') return new AppError('UNAVAILABLE');
  // Characters PostgreSQL cannot store (NUL) are bad input, not a server fault.
  if (code === '22021' || code === '22P05') return new AppError('BAD_REQUEST', { reason: 'invalid_characters' });
  return null;
}

function fromFastify(error: FastifyError): AppError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('BAD_REQUEST', { reason: 'malformed_body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_VALIDATION':
      return new AppError('BAD_REQUEST');
  }
  if (error instanceof SyntaxError || error.statusCode === 400) return new AppError('BAD_REQUEST', { reason: 'malformed_body' });
  if (error.statusCode === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (error.statusCode === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  return null;
}

export function errorBody(error: AppError, locale: Locale, requestId: string) {
  const body: Record<string, unknown> = { code: error.code, message: codeMessage(error.code, locale, error.params), requestId };
  if (Object.keys(error.params).length) body.params = error.params;
  if (error.fields) {
    body.fields = Object.fromEntries(Object.entries(error.fields).map(([field, { reason, params }]) => [field, reasonMessage(reason, params, locale)]));
    body.reasons = Object.fromEntries(Object.entries(error.fields).map(([field, { reason }]) => [field, reason]));
  }
  return body;
}

/** The one place errors become HTTP: `{code, message, fields?, params?, requestId}`; never a stack trace. */
export function registerErrorHandler(app: FastifyInstance, servesWebApp: boolean): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const locale = localeFrom(request.headers['accept-language'], request.actorLocale);
    const known = error instanceof AppError ? error : (fromDatabase(error as DatabaseError) ?? fromFastify(error));
    if (!known) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send(errorBody(new AppError('INTERNAL'), locale, String(request.id)));
    }
    if (known.status >= 500) request.log.warn({ err: error }, 'service unavailable');
    if (known.code === 'ACCOUNT_LOCKED' || known.code === 'RATE_LIMITED') {
      const retry = Number(known.params.retryAfterSeconds ?? 60);
      reply.header('retry-after', String(retry));
    }
    return reply.code(known.status).send(errorBody(known, locale, String(request.id)));
  });
  app.setNotFoundHandler((request, reply) => {
    // The web app routes on the client: unknown page paths get its index.html.
    const isPage = request.method === 'GET' && !/^\/(api|docs|health|ready|metrics)(\/|$)/.test(request.url);
    if (servesWebApp && isPage) return reply.type('text/html').sendFile('index.html');
    const locale = localeFrom(request.headers['accept-language'], request.actorLocale);
    reply.code(404).send(errorBody(new AppError('NOT_FOUND'), locale, String(request.id)));
  });
}
