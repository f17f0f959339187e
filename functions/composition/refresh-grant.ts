/**
 * The composition overrides that let a process outside Lambda (the local runtime, tests, benches) configure Webex
 * with the refresh grant (`WEBEX_REFRESH_TOKEN` + client id and secret): `resetCompositionForTests(REFRESH_GRANT_COMPOSITION)`.
 * No Lambda imports this module, so no Lambda bundle carries the grant; a Lambda reads the partner token from Secrets
 * Manager and only the scheduled refresh rotates it.
 */
import { RefreshingCredentials } from '../adapters/webex/refreshing-credentials';
import type { RefreshCredentialsConfig } from '../config';
import type { Clock } from '../domain/ports/clock';
import type { WebexCredentialsProvider } from '../domain/ports/token';
import type { CompositionOverrides } from './root';

/** Webex credentials from the refresh-grant configuration. */
export function refreshGrantCredentials(
  source: RefreshCredentialsConfig,
  baseUrl: string,
  clock: Clock,
): WebexCredentialsProvider {
  return new RefreshingCredentials({
    baseUrl,
    refreshToken: source.refreshToken,
    clientId: source.clientId,
    clientSecret: source.clientSecret,
    clock,
  });
}

export const REFRESH_GRANT_COMPOSITION = { refreshGrantCredentials } as const satisfies CompositionOverrides;
