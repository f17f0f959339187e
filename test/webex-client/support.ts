/** Shared fixtures of the Webex client tests. */
import type { WebexAccess, WebexCredentialsProvider } from '../../functions/domain/ports/token';
import { createLogger } from '../../functions/shared/logger';

/** A credentials provider that hands out `tokens` in turn: the next one after each `invalidate()`. */
export function fixedCredentials(baseUrl: string, tokens: string[] = ['access-token-1']) {
  let index = 0;
  let invalidations = 0;
  const provider: WebexCredentialsProvider & { readonly invalidations: number } = {
    getAccess: async (): Promise<WebexAccess> => ({
      baseUrl,
      accessToken: tokens[Math.min(index, tokens.length - 1)] ?? '',
    }),
    invalidate: () => {
      invalidations += 1;
      index += 1;
    },
    get invalidations() {
      return invalidations;
    },
  };
  return provider;
}

export const silentLogger = createLogger({}, { level: 'silent' });

/** A deterministic source of "randomness": the given values in a loop. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => {
    const v = values[i % values.length] ?? 0;
    i += 1;
    return v;
  };
}

/** A subscriber as Webex (and Cisco's own examples) send it: `selfActivated` as the string "false". */
export function webexSubscriber(overrides: Record<string, unknown> = {}) {
  return {
    id: 'Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMTIz',
    userId: 'bw-user-1@example.com',
    spEnterpriseId: 'Reseller1+acme',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    primaryPhoneNumber: '+1 555 0100',
    extension: '0100',
    package: 'standard',
    status: 'provisioning',
    created: '2025-06-01T12:00:00.000Z',
    lastStatusChange: '2025-06-01T12:00:00.000Z',
    provisioningId: 'prov-1',
    selfActivated: 'false',
    ...overrides,
  };
}

export const SUBSCRIBER_ID = 'Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvMTIz';
