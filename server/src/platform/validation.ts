import type { z } from 'zod';
import { AppError, type FieldReasons } from './errors.ts';

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let current: unknown = data;
  for (const key of path) {
    if (current == null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Turns zod issues into field reasons our i18n translates (first problem per field wins). */
export function zodToAppError(error: z.ZodError, data: unknown): AppError {
  const fields: FieldReasons = {};
  const put = (path: PropertyKey[], reason: string, params?: Record<string, unknown>) => {
    const key = path.map(String).join('.') || '_';
    fields[key] ??= { reason, params };
  };
  for (const issue of error.issues) {
    const path = issue.path;
    switch (issue.code) {
      case 'invalid_type':
        if (valueAt(data, path) === undefined) put(path, 'required');
        else put(path, issue.expected === 'int' ? 'not_integer' : 'invalid_type', { expected: issue.expected });
        break;
      case 'too_big':
        put(path, issue.origin === 'string' || issue.origin === 'array' ? 'too_long' : 'too_big', { max: issue.maximum });
        break;
      case 'too_small':
        if (issue.origin === 'string' && Number(issue.minimum) === 1 && valueAt(data, path) === '') put(path, 'required');
        else put(path, issue.origin === 'string' || issue.origin === 'array' ? 'too_short' : 'too_small', { min: issue.minimum });
        break;
      case 'unrecognized_keys':
        for (const key of issue.keys) put([...path, key], 'unknown_field');
        break;
      case 'invalid_value':
        put(path, 'invalid_value');
        break;
      case 'invalid_format':
        // Our own patterns carry a reason code as their message (e.g. invalid_phone).
        put(path, /^[a-z_]+$/.test(issue.message) ? issue.message : 'invalid_format', { format: issue.format });
        break;
      case 'custom':
        put(path, issue.message);
        break;
      default:
        put(path, 'invalid_value');
    }
  }
  return new AppError('VALIDATION', {}, fields);
}
