import { afterEach, describe, expect, it } from 'vitest';
import { HmacDigester } from '../../../functions/adapters/digest/hmac-digester';
import { extractKey } from '../../../functions/adapters/digest/secret-key';
import { REFRESH_GRANT_COMPOSITION } from '../../../functions/composition/refresh-grant';
import { resetCompositionForTests } from '../../../functions/composition/root';
import { getWebex } from '../../../functions/composition/webex';
import { DEFAULT_WEBEX_BASE_URL, loadConfig, requireConfig } from '../../../functions/config';
import { ConfigurationError } from '../../../functions/domain/errors';

const REFRESH = { WEBEX_REFRESH_TOKEN: 'r', WEBEX_CLIENT_ID: 'c', WEBEX_CLIENT_SECRET: 's' };

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('reads a complete AWS configuration into a frozen object with defaults', () => {
    // Act
    const config = loadConfig({
      AUDIT_TABLE_NAME: 'audit',
      PARTNER_TOKEN_SECRET_ID: 'partner-token',
      AUDIT_DIGEST_SECRET_ID: 'digest-key',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:Provisioning',
      AWS_REGION: 'eu-west-1',
    });

    // Assess
    expect(config).toMatchObject({
      auditTableName: 'audit',
      webexBaseUrl: DEFAULT_WEBEX_BASE_URL,
      webexCredentials: { kind: 'secret', secretId: 'partner-token' },
      digestKey: { kind: 'secret', secretId: 'digest-key' },
      logLevel: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the local configuration: refresh-token credentials, inline digest key, endpoints', () => {
    // Act
    const config = loadConfig({
      ...REFRESH,
      AUDIT_DIGEST_KEY: 'k'.repeat(32),
      WEBEX_BASE_URL: 'http://127.0.0.1:3001/v1/',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      LOG_LEVEL: 'silent',
    });

    // Assess
    expect(config.webexCredentials).toEqual({ kind: 'refresh', refreshToken: 'r', clientId: 'c', clientSecret: 's' });
    expect(config.digestKey).toEqual({ kind: 'inline', key: 'k'.repeat(32) });
    expect(config.webexBaseUrl).toBe('http://127.0.0.1:3001/v1');
    expect(config.logLevel).toBe('silent');
  });

  it('reads the audit retention in days and refuses one that is not a whole number from 1 to 36500', () => {
    // Act
    const set = loadConfig({ AUDIT_RETENTION_DAYS: '30' });
    const unset = loadConfig({});

    // Assess
    expect(set.auditRetentionDays).toBe(30);
    expect(unset.auditRetentionDays).toBeUndefined();
    for (const bad of ['0', '36501', '1.5', 'forever']) {
      expect(problemsOf(() => loadConfig({ AUDIT_RETENTION_DAYS: bad }))).toContain('AUDIT_RETENTION_DAYS');
    }
  });

  it('names every bad variable at once, never its value', () => {
    // Act
    const message = problemsOf(() =>
      loadConfig({
        WEBEX_BASE_URL: 'ftp://nope',
        STATE_MACHINE_ARN: 'not-an-arn',
        LOG_LEVEL: 'loud',
        AUDIT_DIGEST_KEY: 'short-secret-value',
      }),
    );

    // Assess
    for (const name of ['WEBEX_BASE_URL', 'STATE_MACHINE_ARN', 'LOG_LEVEL', 'AUDIT_DIGEST_KEY']) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('short-secret-value');
  });

  it('trims every variable and reads an empty or blank one as unset', () => {
    // Act
    const config = loadConfig({ AUDIT_TABLE_NAME: '  audit  ', LOG_LEVEL: ' warn ', STATE_MACHINE_ARN: '   ' });

    // Assess
    expect(config.auditTableName).toBe('audit');
    expect(config.logLevel).toBe('warn');
    expect(config.stateMachineArn).toBeUndefined();
  });

  it.each([
    ['http:example.com', 'no // after the scheme'],
    ['ftp://files.example.com', 'another scheme'],
    ['https://', 'no host'],
    ['not a url', 'no URL at all'],
  ])('refuses %s as a URL (%s)', (value) => {
    // Act
    const message = problemsOf(() => loadConfig({ WEBEX_BASE_URL: value }));

    // Assess
    expect(message).toBe('Invalid configuration: WEBEX_BASE_URL must be an http(s) URL');
  });

  it('keeps a URL without its trailing slashes and without the tabs the URL parser ignores', () => {
    // Act
    const config = loadConfig({ WEBEX_BASE_URL: 'https://exa\tmple.com/v1//', SFN_ENDPOINT: 'HTTP://127.0.0.1:8083' });

    // Assess
    expect(config.webexBaseUrl).toBe('https://example.com/v1');
    expect(config.sfnEndpoint).toBe('HTTP://127.0.0.1:8083');
  });

  it('refuses a variable longer than 2048 characters or one that is not a string, without echoing it', () => {
    // Act
    const message = problemsOf(() =>
      loadConfig({ PARTNER_TOKEN_SECRET_ID: 'x'.repeat(2049), AUDIT_TABLE_NAME: 42 as unknown as string }),
    );

    // Assess
    expect(message).toBe(
      'Invalid configuration: AUDIT_TABLE_NAME must be a string; PARTNER_TOKEN_SECRET_ID must be at most 2048 characters',
    );
  });

  it('refuses half a refresh-credential group and two credential sources', () => {
    // Act
    const half = problemsOf(() => loadConfig({ WEBEX_REFRESH_TOKEN: 'r' }));
    const both = problemsOf(() => loadConfig({ ...REFRESH, PARTNER_TOKEN_SECRET_ID: 'x' }));

    // Assess
    expect(half).toContain('WEBEX_CLIENT_ID, WEBEX_CLIENT_SECRET');
    expect(both).toContain('exclusive');
  });
});

describe('requireConfig', () => {
  it('names every missing variable a function needs, and only those', () => {
    // Prepare
    const config = loadConfig({});

    // Act
    const message = problemsOf(() => requireConfig(config, ['audit', 'webex', 'digest']));

    // Assess
    expect(message).toContain('AUDIT_TABLE_NAME');
    expect(message).toContain('PARTNER_TOKEN_SECRET_ID');
    expect(message).toContain('AUDIT_DIGEST_SECRET_ID');
    expect(message).not.toContain('STATE_MACHINE_ARN');
    expect(requireConfig(loadConfig({ AUDIT_TABLE_NAME: 'audit' }), ['audit']).auditTableName).toBe('audit');
  });
});

describe('HmacDigester', () => {
  it('gives keyed, stable, short digests that differ per key', () => {
    // Prepare
    const a = new HmacDigester('a'.repeat(32));
    const b = new HmacDigester('b'.repeat(32));

    // Act
    const first = a.digest('ada@acme.example.com');

    // Assess
    expect(first).toMatch(/^hmac-sha256:[0-9a-f]{16}$/);
    expect(a.digest('ada@acme.example.com')).toBe(first);
    expect(b.digest('ada@acme.example.com')).not.toBe(first);
    expect(a.digest('other')).not.toBe(first);
  });

  it('refuses a key shorter than 32 bytes', () => {
    // Assess
    expect(() => new HmacDigester('short')).toThrow(ConfigurationError);
  });

  it('reads the key from a raw or a JSON secret string', () => {
    // Assess
    expect(extractKey(' raw-key-value ')).toBe('raw-key-value');
    expect(extractKey('{"key":"json-key-value"}')).toBe('json-key-value');
    expect(() => extractKey('{"other":1}')).toThrow(ConfigurationError);
  });
});

describe('the composition root and the Webex credential sources', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetCompositionForTests();
  });

  function configure(env: Record<string, string>): void {
    process.env = { LOG_LEVEL: 'silent', ...env };
  }

  it('refuses refresh-grant credentials unless the process hands in the grant (Lambda never runs it)', () => {
    // Prepare
    configure(REFRESH);
    resetCompositionForTests();

    // Act
    const message = problemsOf(() => getWebex());

    // Assess
    expect(message).toContain('PARTNER_TOKEN_SECRET_ID');
  });

  it('runs the refresh grant when the local runtime, a test or a bench hands it in', () => {
    // Prepare
    configure(REFRESH);
    resetCompositionForTests(REFRESH_GRANT_COMPOSITION);

    // Act / Assess
    expect(getWebex()).toBeDefined();
  });

  it('reads the partner token from Secrets Manager in the configured region, and needs one', () => {
    // Prepare
    configure({ PARTNER_TOKEN_SECRET_ID: 'partner-token' });
    resetCompositionForTests();

    // Act
    const message = problemsOf(() => getWebex());
    configure({ PARTNER_TOKEN_SECRET_ID: 'partner-token', AWS_REGION: 'eu-west-1' });
    resetCompositionForTests();

    // Assess
    expect(message).toContain('AWS_REGION');
    expect(getWebex()).toBeDefined();
  });
});
