/**
 * Turns Zod issues into Webex error items: a missing field is errorCode 1001, any other bad value 1002, each with
 * `fieldName`. Several problems give several items.
 */
import { ValidationError, type WebexErrorItem } from '../errors';
import { ERROR_CODES } from './rules';
import * as z from './zod';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** A field's name as callers write it: `customerInfo.primaryEmail`, `orders[3].subscriber.userId`. */
export function fieldNameOf(path: readonly PropertyKey[]): string {
  let name = '';
  for (const key of path) {
    if (typeof key === 'number') name += `[${key}]`;
    else name += name === '' ? String(key) : `.${String(key)}`;
  }
  return name;
}

export function issuesToErrorItems(issues: readonly z.core.$ZodIssue[], input: unknown): WebexErrorItem[] {
  const items: WebexErrorItem[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    const fieldName = fieldNameOf(issue.path);
    const missing =
      (issue.code !== 'custom' && issue.path.length > 0 && valueAt(input, issue.path) === undefined) ||
      (issue.code === 'custom' && (issue.params as { missing?: boolean } | undefined)?.missing === true);
    const errorCode = missing ? ERROR_CODES.missingField : ERROR_CODES.invalidValue;
    const description = missing
      ? issue.code === 'custom'
        ? issue.message
        : `Missing mandatory parameter: ${fieldName}`
      : fieldName
        ? `${fieldName} ${issue.message}`
        : `Request body ${issue.message}`;
    const key = `${fieldName}|${errorCode}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(fieldName ? { description, errorCode, fieldName } : { description, errorCode });
  }
  return items;
}

/** Parse `input` with `schema`, or throw a `ValidationError` carrying one Webex error item per problem. */
export function parseOrThrow<S extends z.core.$ZodType>(schema: S, input: unknown, what = 'request'): z.output<S> {
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  const errors = issuesToErrorItems(result.error.issues, input);
  throw new ValidationError(`The ${what} is invalid.`, errors);
}
