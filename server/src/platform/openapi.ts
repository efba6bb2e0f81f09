import { z } from 'zod';

/** JSON Schema (OpenAPI 3.0 dialect) of a zod input schema, for the route documentation at /docs. */
export function docSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
