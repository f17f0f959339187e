/**
 * Reads the audit digest key from Secrets Manager. The secret is either the key itself (a generated secret string) or a
 * JSON object with a `key` member (a generated secret with `generateStringKey: 'key'`).
 */
import { ConfigurationError } from '../../domain/errors';
import type { SecretValueReader } from '../secrets/secret-value';

export async function readDigestKeyFromSecret(reader: SecretValueReader, secretId: string): Promise<string> {
  const raw = await reader.readSecretString(secretId);
  if (raw === undefined || raw === '') {
    throw new ConfigurationError('The audit digest secret has no string value (AUDIT_DIGEST_SECRET_ID).');
  }
  return extractKey(raw);
}

/** The key inside a secret string: a JSON `{ "key": "..." }` or the raw string. */
export function extractKey(raw: string): string {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { key?: unknown }).key === 'string') {
        return (parsed as { key: string }).key;
      }
    } catch {
      // not JSON: the raw string is the key
    }
    throw new ConfigurationError(
      'The audit digest secret is JSON without a string "key" member (AUDIT_DIGEST_SECRET_ID).',
    );
  }
  return trimmed;
}
