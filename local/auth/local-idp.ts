/**
 * The local identity provider: an ES256 key pair that signs sandbox access tokens, and the verifier that checks them the
 * way API Gateway's JWT authorizer does (signature, `iss`, `aud` — or `client_id` when `aud` is absent —, `exp`, `nbf`,
 * `iat`). The key can be persisted (mode 0600) so `npm run token` can sign tokens the running runtime accepts, and so tokens
 * survive a restart on the same port.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { SCOPES, type ScopeName } from '../../functions/catalog/routes';
import { REPO_ROOT } from '../paths';

export const TOKEN_ALGORITHM = 'ES256';
/** Lifetime of a sandbox token: a working day. */
export const TOKEN_LIFETIME_SECONDS = 12 * 60 * 60;
export const DEFAULT_SUBJECT = 'local-developer';
export const DEFAULT_CLIENT_ID = 'local-sandbox';
/** The ready-made sandbox tokens: `write` also reads, so one token runs a whole Provision-then-Get session. */
export const SANDBOX_TOKEN_SCOPES = { write: ['write', 'read'], read: ['read'] } as const satisfies Record<
  string,
  readonly ScopeName[]
>;

/** The audience the deployed JWT authorizer checks (cdk.json context `jwtAudience`): one value for AWS and local. */
export function readJwtAudience(repoRoot = REPO_ROOT): string {
  const file = path.join(repoRoot, 'cdk.json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const audience =
    parsed !== null && typeof parsed === 'object' && 'context' in parsed
      ? (parsed.context as Record<string, unknown> | null)?.jwtAudience
      : undefined;
  if (typeof audience !== 'string' || audience === '') {
    throw new Error(`cdk.json has no context.jwtAudience (${file}): the local runtime uses the same audience as AWS`);
  }
  return audience;
}

/** The issuer of the local identity provider behind the API gateway on `port`. */
export function localIssuer(port: number): string {
  return `http://127.0.0.1:${port}/local-idp`;
}

/** Turns scope names (`read`, `write`) into scope values; full scope strings pass through. */
export function toScopeValues(scopes: ReadonlyArray<ScopeName | string>): string[] {
  return [...new Set(scopes.map((s) => (s in SCOPES ? SCOPES[s as ScopeName] : s)))];
}

export type TokenRejection =
  | 'missing'
  | 'malformed'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'issuer'
  | 'audience'
  | 'algorithm';

const REJECTION_DESCRIPTIONS: Record<TokenRejection, string> = {
  missing: 'No access token: send it as "Authorization: Bearer <token>".',
  malformed: 'The access token is not a well-formed JWT.',
  signature: 'The access token signature is not valid.',
  expired: 'The access token has expired.',
  'not-yet-valid': 'The access token is not valid yet (nbf).',
  'issued-in-future': 'The access token was issued in the future (iat).',
  issuer: 'The access token was issued by another issuer.',
  audience: 'The access token is meant for another audience.',
  algorithm: 'The access token is signed with an algorithm this API does not accept.',
};

/** A token the authorizer refused; `reason` is machine-readable, `description` safe to show the caller. */
export class TokenRejectedError extends Error {
  readonly reason: TokenRejection;
  constructor(reason: TokenRejection) {
    super(REJECTION_DESCRIPTIONS[reason]);
    this.name = 'TokenRejectedError';
    this.reason = reason;
  }
}

export interface VerifiedToken {
  claims: JWTPayload;
  /** From the space-separated `scope` claim, or the `scp` claim (string or array). */
  scopes: string[];
}

export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

export interface MintOptions {
  /** Seconds; default TOKEN_LIFETIME_SECONDS. */
  ttlSeconds?: number;
}

export interface LocalIdp extends TokenVerifier {
  readonly issuer: string;
  readonly audience: string;
  readonly kid: string;
  readonly publicJwk: JWK;
  /** A signed token with these scopes; `claims` are merged last, so tests can set `exp`, `aud`, `iss`… */
  mint(
    scopes: ReadonlyArray<ScopeName | string>,
    claims?: Record<string, unknown>,
    options?: MintOptions,
  ): Promise<string>;
}

/** What `.local-data/jwt-key.json` holds. The private key signs sandbox tokens only; it never leaves the machine. */
export interface LocalIdpKeyFile {
  version: 1;
  alg: typeof TOKEN_ALGORITHM;
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  issuer: string;
  audience: string;
  updatedAt: string;
}

export interface CreateLocalIdpOptions {
  issuer: string;
  audience: string;
  /** Where to persist (and reuse) the key; `false` keeps it in memory only. */
  keyFile: string | false;
  /** Epoch ms; default Date.now. */
  now?: () => number;
  /** Told when an unreadable key file is replaced by a new key (tokens signed with the old one stop working). */
  onKeyReplaced?: (file: string, reason: string) => void;
}

export async function createLocalIdp(options: CreateLocalIdpOptions): Promise<LocalIdp> {
  const now = options.now ?? Date.now;
  let existing: LocalIdpKeyFile | undefined;
  if (options.keyFile !== false) {
    const file = options.keyFile;
    existing = await readKeyFile(file).catch((error: unknown) => {
      const missing = (error as { code?: unknown }).code === 'ENOENT';
      if (!missing) options.onKeyReplaced?.(file, error instanceof Error ? error.message : String(error));
      return undefined;
    });
  }
  let material: Pick<LocalIdpKeyFile, 'kid' | 'privateJwk' | 'publicJwk'>;
  if (existing) {
    material = existing;
  } else {
    const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALGORITHM, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    material = { kid, privateJwk: await exportJWK(privateKey), publicJwk: { ...publicJwk, kid, alg: TOKEN_ALGORITHM } };
  }
  if (options.keyFile !== false) {
    await writeKeyFile(options.keyFile, {
      version: 1,
      alg: TOKEN_ALGORITHM,
      ...material,
      issuer: options.issuer,
      audience: options.audience,
      updatedAt: new Date(now()).toISOString(),
    });
  }
  return buildIdp({ ...material, issuer: options.issuer, audience: options.audience }, now);
}

/** The signer `npm run token` uses: the key and issuer the runtime persisted at its last start. */
export async function loadLocalIdp(keyFile: string, now: () => number = Date.now): Promise<LocalIdp> {
  const file = await readKeyFile(keyFile);
  return buildIdp(file, now);
}

async function buildIdp(
  material: Pick<LocalIdpKeyFile, 'kid' | 'privateJwk' | 'publicJwk' | 'issuer' | 'audience'>,
  now: () => number,
): Promise<LocalIdp> {
  const privateKey = (await importJWK(material.privateJwk, TOKEN_ALGORITHM)) as CryptoKey;
  const publicKey = (await importJWK(material.publicJwk, TOKEN_ALGORITHM)) as CryptoKey;
  const { issuer, audience, kid } = material;

  return {
    issuer,
    audience,
    kid,
    publicJwk: material.publicJwk,
    async mint(scopes, claims = {}, mintOptions = {}) {
      const iat = Math.floor(now() / 1000);
      const payload: JWTPayload = {
        iss: issuer,
        aud: audience,
        sub: DEFAULT_SUBJECT,
        client_id: DEFAULT_CLIENT_ID,
        scope: toScopeValues(scopes).join(' '),
        iat,
        nbf: iat,
        exp: iat + (mintOptions.ttlSeconds ?? TOKEN_LIFETIME_SECONDS),
        jti: randomUUID(),
        ...claims,
      };
      return new SignJWT(payload).setProtectedHeader({ alg: TOKEN_ALGORITHM, kid, typ: 'JWT' }).sign(privateKey);
    },
    async verify(token) {
      if (token === '') throw new TokenRejectedError('missing');
      try {
        const header = decodeProtectedHeader(token);
        if (header.alg !== TOKEN_ALGORITHM) throw new TokenRejectedError('algorithm');
      } catch (error) {
        if (error instanceof TokenRejectedError) throw error;
        throw new TokenRejectedError('malformed');
      }
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, publicKey, {
          algorithms: [TOKEN_ALGORITHM],
          issuer,
          requiredClaims: ['exp'],
          currentDate: new Date(now()),
        }));
      } catch (error) {
        throw new TokenRejectedError(rejectionOf(error));
      }
      // API Gateway: `aud` must match an audience; `client_id` is checked only when `aud` is absent.
      const audiences = claims.aud === undefined ? [claims.client_id] : [claims.aud].flat();
      if (!audiences.includes(audience)) throw new TokenRejectedError('audience');
      if (typeof claims.iat === 'number' && claims.iat > Math.floor(now() / 1000)) {
        throw new TokenRejectedError('issued-in-future');
      }
      return { claims, scopes: scopesOf(claims) };
    },
  };
}

function rejectionOf(error: unknown): TokenRejection {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'nbf') return 'not-yet-valid';
    if (error.claim === 'iat') return 'issued-in-future';
    if (error.claim === 'exp') return error.reason === 'missing' ? 'malformed' : 'expired';
    return 'malformed';
  }
  return 'malformed';
}

function scopesOf(claims: JWTPayload): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === 'string') return raw.split(' ').filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return [];
}

async function readKeyFile(file: string): Promise<LocalIdpKeyFile> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isKeyFile(parsed)) throw new Error(`${file} is not a local identity provider key file`);
  return parsed;
}

function isKeyFile(value: unknown): value is LocalIdpKeyFile {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    v.alg === TOKEN_ALGORITHM &&
    typeof v.kid === 'string' &&
    typeof v.issuer === 'string' &&
    typeof v.audience === 'string' &&
    typeof v.privateJwk === 'object' &&
    v.privateJwk !== null &&
    typeof (v.privateJwk as Record<string, unknown>).d === 'string' &&
    typeof v.publicJwk === 'object' &&
    v.publicJwk !== null
  );
}

/** Writes atomically (temp file + rename) with mode 0600 in a 0700 directory. */
async function writeKeyFile(file: string, content: LocalIdpKeyFile): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}
