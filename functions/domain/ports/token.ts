/**
 * Ports for the partner's Webex credentials: where the Webex client gets its base URL and bearer token, where the
 * partner's OAuth tokens are kept, and the refresh grant that renews them.
 */

/** What a call to Webex needs: where to send it and the bearer token to send. */
export interface WebexAccess {
  /** Base URL of the Webex API without a trailing slash, e.g. `https://webexapis.com/v1`. */
  baseUrl: string;
  accessToken: string;
}

/** Hands the Webex client a current access token. */
export interface WebexCredentialsProvider {
  getAccess(): Promise<WebexAccess>;
  /** Webex refused the token (401): forget it, so the next `getAccess()` fetches or refreshes a fresh one. */
  invalidate(): void;
}

/** The partner's OAuth tokens and client registration, as stored (one secret). Timestamps are ISO 8601. */
export interface PartnerTokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  clientId: string;
  clientSecret: string;
}

export interface PartnerTokenStore {
  read(): Promise<PartnerTokens>;
  write(tokens: PartnerTokens): Promise<void>;
}

/** What the OAuth refresh grant needs. */
export interface RefreshGrantInput {
  refreshToken: string;
  clientId: string;
  clientSecret: string;
}

/** Webex's answer to the refresh grant (`POST /access_token`), field names as Webex sends them. */
export interface RefreshGrantResult {
  access_token: string;
  /** Seconds. */
  expires_in: number;
  refresh_token: string;
  /** Seconds. */
  refresh_token_expires_in: number;
  token_type: string;
}

/** The refresh grant as a function, so domain code can run it without knowing HTTP. */
export type RefreshGrant = (input: RefreshGrantInput) => Promise<RefreshGrantResult>;
