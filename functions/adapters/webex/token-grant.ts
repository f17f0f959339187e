/**
 * Webex's OAuth refresh grant: `POST {baseUrl}/access_token`, form-encoded, answered with a new access token (about
 * 14 days) and a refresh token (about 90 days) that may or may not be new.
 *
 * The refresh token, the client secret and the tokens returned never appear in an error message, an error's cause or
 * a log line: a failure says only what happened (status, Webex's trackingId, the OAuth error code).
 */
import * as z from '../../domain/contract/zod';
import { UpstreamError, UpstreamProtocolError, UpstreamUnavailableError } from '../../domain/errors';
import type { RefreshGrantInput, RefreshGrantResult } from '../../domain/ports/token';

export interface TokenGrantOptions {
  fetch?: typeof fetch;
  /** Longest wait for Webex's answer, body included (ms). Default 10 000. */
  timeoutMs?: number;
}

const seconds = z.pipe(
  z.union([
    z.number(),
    z.pipe(
      z.string().check(z.regex(/^\d+$/)),
      z.transform((v: string) => Number(v)),
    ),
  ]),
  z.number().check(z.int(), z.gt(0)),
);

const GrantResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: seconds,
  refresh_token: z.string().check(z.minLength(1)),
  refresh_token_expires_in: seconds,
  token_type: z.optional(z.string()),
});

/** The parts of an error answer worth repeating: Webex's body or an OAuth error body. */
const GrantErrorSchema = z.object({
  message: z.optional(z.string()),
  error: z.optional(z.string()),
  error_description: z.optional(z.string()),
  trackingId: z.optional(z.string()),
});

export async function refreshAccessToken(
  baseUrl: string,
  input: RefreshGrantInput,
  options: TokenGrantOptions = {},
): Promise<RefreshGrantResult> {
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const secrets = [input.refreshToken, input.clientSecret].filter((s) => s.length > 0);
  const scrub = (text: string) => secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text);

  const url = `${baseUrl.replace(/\/+$/, '')}/access_token`;
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: input.clientId,
    client_secret: input.clientSecret,
    refresh_token: input.refreshToken,
  });

  let status: number;
  let text: string;
  let webexTrackingId: string | undefined;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    status = res.status;
    webexTrackingId = res.headers.get('trackingid') ?? undefined;
    text = await res.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    // The cause is deliberately dropped: a transport error never needs the request, and must not carry it.
    throw new UpstreamUnavailableError(
      timedOut
        ? 'Webex did not answer the token refresh in time.'
        : 'Webex could not be reached for the token refresh.',
      { status: timedOut ? 504 : 502 },
    );
  }

  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }

  if (status < 200 || status >= 300) {
    const body = GrantErrorSchema.safeParse(json);
    const detail = body.success
      ? [body.data.error, body.data.error_description ?? body.data.message].filter(Boolean).join(': ')
      : '';
    const message = `Webex refused the token refresh with status ${status}${detail ? ` (${scrub(detail)})` : ''}.`;
    throw new UpstreamError(message, {
      status,
      webexTrackingId: webexTrackingId ?? (body.success ? body.data.trackingId : undefined),
    });
  }

  const parsed = GrantResponseSchema.safeParse(json);
  if (!parsed.success) {
    // Name the fields that failed, never their values.
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || 'body'))].join(', ');
    throw new UpstreamProtocolError(`Webex answered the token refresh with an unexpected body (${fields}).`, {
      status: 502,
      webexTrackingId,
    });
  }
  return { ...parsed.data, token_type: parsed.data.token_type ?? 'Bearer' };
}
