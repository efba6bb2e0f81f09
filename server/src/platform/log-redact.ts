import type { FastifyRequest } from 'fastify';

/**
 * The URL as it may appear in the log: query values replaced (keyword searches carry phones and ID numbers,
 * receipts carry the gateway token) and one-time survey link tokens cut out; parameter names stay for
 * debugging. ASVS 16.2.5 / GB/T 35273: personal data and secrets never reach the application log.
 */
export function loggableUrl(url: string): string {
  const [path = '', query] = url.split('?', 2) as [string, string | undefined];
  const safePath = path.replace(/^(\/api\/public\/surveys\/)[^/]+/, '$1[token]');
  if (query === undefined) return safePath;
  const names = query
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=', 1)[0]!.slice(0, 40)}=…`);
  return `${safePath}?${names.join('&')}`;
}

/** Fastify's request serializer with the URL made loggable. */
export function requestSerializer(request: FastifyRequest) {
  return { method: request.method, url: loggableUrl(request.url), host: request.host, remoteAddress: request.ip };
}
