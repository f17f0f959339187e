/**
 * What a Lambda bundle gets instead of `@aws-sdk/credential-provider-node` (the SDK's default credential provider
 * chain): `infra/bundling.ts` aliases that package to this module, so every SDK client in a deployed function takes
 * its credentials from the environment variables Lambda sets for the function's role (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), through the SDK's own `@aws-sdk/credential-provider-env`.
 *
 * Why: the chain's other sources (SSO, STS web identity, INI profiles, process, container and instance metadata) never
 * apply in Lambda, yet the chain carries their clients into every bundle (about 240 KB of the API functions'
 * bundles), which cold start pays. Only the bundles change: the local runtime, the CLIs and the tests import the real
 * package and keep the whole chain.
 *
 * The SDK clients call `defaultProvider(init)` for a credential provider (their `credentialDefaultProvider`); the
 * other two exports of the real package are kept so anything importing them still finds them.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

type EnvInit = Parameters<typeof fromEnv>[0];

/** The SDK clients' credential provider in a Lambda bundle: the function's credentials from the environment. */
export const defaultProvider = (init: EnvInit = {}) => fromEnv(init);

/** As the chain's: credentials with an expiration will need refreshing. */
export const credentialsWillNeedRefresh = (credentials?: { expiration?: Date }): boolean =>
  credentials?.expiration !== undefined;

/** As the chain's: credentials within five minutes of their expiration are treated as expired. */
export const credentialsTreatedAsExpired = (credentials?: { expiration?: Date }): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
