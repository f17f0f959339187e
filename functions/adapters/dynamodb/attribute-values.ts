/**
 * DynamoDB attribute values for the audit items: the JSON-like shapes an `AuditRecord` is made of (strings, finite
 * numbers, booleans, null, lists and plain maps) and nothing else. It writes exactly what `@aws-sdk/util-dynamodb`'s
 * `marshall(item, { removeUndefinedValues: true })` writes for those shapes, and reads back what `unmarshall` reads
 * (`test/audit/attribute-values.test.ts` compares both on every record kind); it is here instead of that package
 * because the audit store is in every function and the package added 5 KB to each bundle (cold start).
 *
 * Anything outside those shapes (sets, binary, bigint, Date, class instances, NaN) is refused with an error naming the
 * attribute path, never its value: the audit record shape has none, so meeting one is a programming error.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A map's members without the ones that are `undefined` (util-dynamodb's `removeUndefinedValues`). */
export function marshallItem(item: Readonly<Record<string, unknown>>): Record<string, AttributeValue> {
  return marshallMap(item, '');
}

export function unmarshallItem(item: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [name, attribute] of Object.entries(item)) value[name] = toNative(attribute, name);
  return value;
}

function marshallMap(map: Readonly<Record<string, unknown>>, path: string): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(map)) {
    if (value !== undefined) out[name] = toAttribute(value, path === '' ? name : `${path}.${name}`);
  }
  return out;
}

function toAttribute(value: unknown, path: string): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        throw new UnsupportedAttributeError(path, 'a number that is not finite or outside the safe range');
      }
      return { N: String(value) };
    case 'object': {
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) {
        return { L: value.filter((v) => v !== undefined).map((v, i) => toAttribute(v, `${path}[${i}]`)) };
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if (prototype === Object.prototype || prototype === null) {
        return { M: marshallMap(value as Record<string, unknown>, path) };
      }
      throw new UnsupportedAttributeError(path, 'an object that is not a plain map');
    }
    default:
      throw new UnsupportedAttributeError(path, `a ${typeof value}`);
  }
}

function toNative(attribute: AttributeValue, path: string): unknown {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return toNumber(attribute.N, path);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map((v, i) => toNative(v, `${path}[${i}]`));
  if (attribute.M !== undefined) {
    const value: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(attribute.M)) value[name] = toNative(member, `${path}.${name}`);
    return value;
  }
  throw new UnsupportedAttributeError(path, `the attribute type ${Object.keys(attribute).join(',') || 'none'}`);
}

/** As util-dynamodb: a number that a JavaScript number cannot hold exactly is refused, not rounded. */
function toNumber(text: string, path: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    throw new UnsupportedAttributeError(path, 'a number outside the safe range');
  }
  return value;
}

/** An audit item held a shape the audit record never has. */
export class UnsupportedAttributeError extends Error {
  constructor(path: string, what: string) {
    super(`The audit item attribute ${path} is ${what}.`);
    this.name = 'UnsupportedAttributeError';
  }
}
