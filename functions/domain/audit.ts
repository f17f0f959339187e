/**
 * Building audit records: deterministic ids and change lists that never hold a personal value in clear.
 */
import { createHash } from 'node:crypto';
import { isPersonalField } from './contract/rules';
import type { AuditChange, FieldDigester } from './ports/audit';

/**
 * A deterministic record id from the parts that make an event unique (for example the API request id and the
 * operation, or the order id, the step and Webex's lastStatusChange). The same parts always give the same id.
 */
export function auditId(...parts: ReadonlyArray<string | number>): string {
  return createHash('sha256').update(parts.map(String).join('\u001f')).digest('base64url').slice(0, 32);
}

/** The fields a request body sets, with personal values replaced by keyed digests. Nested objects are flattened. */
export function describeChanges(body: object, digester: FieldDigester, prefix = ''): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const [key, raw] of Object.entries(body)) {
    if (raw === undefined) continue;
    const field = prefix + key;
    if (raw !== null && typeof raw === 'object') {
      changes.push(...describeChanges(raw, digester, `${field}.`));
      continue;
    }
    const value = String(raw);
    if (value === '') changes.push({ field, removed: true });
    else if (isPersonalField(key)) changes.push({ field, digest: digester.digest(value) });
    else changes.push({ field, value });
  }
  return changes.sort((a, b) => a.field.localeCompare(b.field));
}
