import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/catalog/routes';
import { parseStackConfig, STACK_CONFIG_DEFAULTS, StackConfigError } from '../../infra/config';
import { ROUTE_ACCESS, routeAccess } from '../../infra/function-access';

const REQUIRED = { jwtIssuer: 'https://idp.example.com/', jwtAudience: 'webex-bw-provisioning' };

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    parseStackConfig(context);
  } catch (error) {
    if (error instanceof StackConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseStackConfig', () => {
  it('applies the documented defaults', () => {
    // Act
    const config = parseStackConfig(REQUIRED);

    // Assess
    expect(config).toEqual({
      jwtIssuer: 'https://idp.example.com/',
      jwtAudience: ['webex-bw-provisioning'],
      webexBaseUrl: STACK_CONFIG_DEFAULTS.webexBaseUrl,
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      webexRateLimit: 5,
      logRetentionDays: 90,
      auditRetentionDays: 400,
      consoleClientId: 'webex-bw-console',
      logLevel: 'info',
      alarmEmail: undefined,
      runbookUrl: undefined,
      batchStartRate: 25,
    });
  });

  it('refuses an audit retention outside 1 to 36500 days and a runbook that is not an https URL', () => {
    // Act / Assess
    expect(() => parseStackConfig({ ...REQUIRED, auditRetentionDays: '0' })).toThrow(/auditRetentionDays/);
    expect(() => parseStackConfig({ ...REQUIRED, runbookUrl: 'http://wiki/runbook' })).toThrow(/runbookUrl/);
    expect(parseStackConfig({ ...REQUIRED, auditRetentionDays: '30' }).auditRetentionDays).toBe(30);
  });

  it('reads -c strings: numbers, several audiences, a trailing slash on the Webex URL', () => {
    // Act
    const config = parseStackConfig({
      ...REQUIRED,
      jwtAudience: 'a, b',
      webexBaseUrl: 'https://webex.example.com/v1/',
      throttleRateLimit: '20',
      throttleBurstLimit: 40,
      logRetentionDays: '365',
      logLevel: 'debug',
      alarmEmail: 'ops@example.com',
    });

    // Assess
    expect(config).toMatchObject({
      jwtAudience: ['a', 'b'],
      webexBaseUrl: 'https://webex.example.com/v1',
      throttleRateLimit: 20,
      throttleBurstLimit: 40,
      logRetentionDays: 365,
      logLevel: 'debug',
      alarmEmail: 'ops@example.com',
    });
  });

  it('names every missing or bad value at once', () => {
    // Act
    const problems = problemsOf({
      jwtIssuer: 'http://idp.example.com',
      webexBaseUrl: 'not a url',
      throttleRateLimit: '-1',
      logRetentionDays: '42',
      logLevel: 'verbose',
      alarmEmail: 'nobody',
    });

    // Assess
    expect(problems).toEqual([
      'jwtIssuer must be an https URL',
      'jwtAudience is required (the audience your tokens are issued for)',
      'webexBaseUrl must be an https URL',
      'throttleRateLimit must be an integer from 1 to 10000',
      expect.stringMatching(/^logRetentionDays must be one of 1, 3, 5/),
      'logLevel must be one of debug, info, warn, error',
      'alarmEmail must be an e-mail address',
    ]);
  });

  it('requires the JWT issuer', () => {
    // Act
    const problems = problemsOf({ jwtAudience: 'x' });

    // Assess
    expect(problems).toEqual(['jwtIssuer is required (the https issuer URL of your identity provider)']);
  });
});

describe('function access table', () => {
  it('declares the access of every route, and only of routes', () => {
    // Act
    const declared = Object.keys(ROUTE_ACCESS).sort();

    // Assess
    expect(declared).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('refuses a route without a declaration', () => {
    // Act / Assess
    expect(() => routeAccess('someNewRoute')).toThrow(/someNewRoute has no entry/);
  });
});
