/**
 * Keyed digests of personal values for the audit trail: HMAC-SHA256 with a secret key, shortened to 16 hex characters
 * (64 bits: enough to tell whether two records carried the same value, useless for guessing the value without the key).
 */
import { createHmac } from 'node:crypto';
import { ConfigurationError } from '../../domain/errors';
import type { FieldDigester } from '../../domain/ports/audit';

export const DIGEST_PREFIX = 'hmac-sha256:';
export const MIN_DIGEST_KEY_BYTES = 32;

export class HmacDigester implements FieldDigester {
  readonly #key: Buffer;

  constructor(key: string | Buffer) {
    const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
    if (bytes.length < MIN_DIGEST_KEY_BYTES) {
      throw new ConfigurationError(`The audit digest key must be at least ${MIN_DIGEST_KEY_BYTES} bytes long.`);
    }
    this.#key = bytes;
  }

  digest(value: string): string {
    return `${DIGEST_PREFIX}${createHmac('sha256', this.#key).update(value, 'utf8').digest('hex').slice(0, 16)}`;
  }
}
