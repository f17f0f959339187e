import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, RULES } from '../../functions/domain/contract/rules';
import { PRECHECK_SUCCESS } from '../../local/webex-simulator';
import { UNTRUSTED_TEMPLATE_ID } from '../../local/webex-simulator/seed';
import { errorItems, type Harness, provisionBody, type Reply, startHarness } from './harness';

const { missingField: MISSING, invalidValue: INVALID } = ERROR_CODES;
const long = 'x'.repeat(RULES.maxStringLength + 1);

function expectItem(reply: Reply, errorCode: number, fieldName: string): void {
  expect(reply.status, reply.text).toBe(400);
  expect(errorItems(reply)).toContainEqual(expect.objectContaining({ errorCode, fieldName }));
}

describe('Webex simulator validation', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });
  beforeEach(() => {
    h.sim.reset();
  });

  const provision = (json: unknown) => h.call('POST', '/v1/broadworks/subscribers', { json });
  const precheck = (json: unknown) => h.call('POST', '/v1/broadworks/subscribers/validate', { json });
  const list = (query: string) => h.call('GET', `/v1/broadworks/subscribers?${query}`);

  describe('Provision', () => {
    it.each(['provisioningId', 'userId', 'spEnterpriseId', 'firstName', 'lastName', 'package'])(
      'answers 400 1001 with fieldName %s when it is missing',
      async (field) => {
        // Prepare
        const body = provisionBody({ [field]: undefined });

        // Act
        const reply = await provision(body);

        // Assess
        expectItem(reply, MISSING, field);
      },
    );

    it('answers 400 1001 on primaryPhoneNumber when neither primaryPhoneNumber nor extension is sent', async () => {
      // Act
      const reply = await provision(provisionBody({ primaryPhoneNumber: undefined, extension: undefined }));

      // Assess
      expectItem(reply, MISSING, 'primaryPhoneNumber');
    });

    it.each([
      ['package', 'gold'],
      ['email', 'not-an-address'],
      ['email', `${'a'.repeat(250)}@x.example`],
      ['primaryPhoneNumber', 'call me'],
      ['mobilePhoneNumber', '++1'],
      ['extension', 'ext. 12'],
      ['language', 'en\nUS'],
      ['firstName', 'Ada\u0000'],
      ['lastName', 'Love\rlace'],
      ['userId', 'ada\u0085@sp.example.com'],
      ['spEnterpriseId', 'SP1\ud800'],
      ['timezone', 'Mars/Olympus_Mons'],
      ['firstName', long],
      ['userId', ''],
      ['lastName', 42],
    ])('answers 400 1002 with fieldName %s for the invalid value %j', async (field, value) => {
      // Act
      const reply = await provision(provisionBody({ [field]: value }));

      // Assess
      expectItem(reply, INVALID, field);
    });

    it('reports every problem at once', async () => {
      // Act
      const reply = await provision(provisionBody({ firstName: undefined, package: 'gold', email: 'nope' }));

      // Assess
      expect(reply.status).toBe(400);
      const fields = errorItems(reply).map((e) => `${e.fieldName}:${e.errorCode}`);
      expect(fields).toEqual(expect.arrayContaining(['firstName:1001', 'package:1002', 'email:1002']));
    });

    it('answers 400 1002 on provisioningId for an unknown customer template', async () => {
      // Act
      const reply = await provision(provisionBody({ provisioningId: 'bm90LWEtdGVtcGxhdGU' }));

      // Assess
      expectItem(reply, INVALID, 'provisioningId');
    });

    it.each([
      ['an array', []],
      ['a string', 'subscriber'],
      ['null', null],
    ])('answers 400 when the body is %s', async (_what, body) => {
      // Act
      const reply = await provision(body);

      // Assess
      expect(reply.status).toBe(400);
      expect(errorItems(reply)[0]?.errorCode).toBe(INVALID);
    });

    it.each(['en-US', 'english', 'EN', 'Français'])(
      'accepts any language (%j), ignores it and answers language "en"',
      async (language) => {
        // Act
        const reply = await provision(provisionBody({ language }));

        // Assess
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ language: 'en' });
      },
    );

    it('accepts printable Unicode names (accents, CJK, emoji)', async () => {
      // Act
      const reply = await provision(provisionBody({ firstName: 'Zoë 王', lastName: 'Łukasz 🙂' }));

      // Assess
      expect(reply.status).toBe(200);
    });

    it('accepts every package and an extension without a primary phone number', async () => {
      // Act
      const replies = await Promise.all(
        ['softphone', 'basic', 'standard', 'premium'].map((pkg) =>
          provision(provisionBody({ package: pkg, primaryPhoneNumber: undefined, extension: '4321' })),
        ),
      );

      // Assess
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    });
  });

  describe('Update', () => {
    const provisioned = async () => {
      const sub = await h.provision();
      h.clock.advance(5000);
      return sub;
    };

    it.each(['email', 'spEnterpriseId', 'provisioningId'])(
      'answers 400 1002 with fieldName %s: it cannot change',
      async (field) => {
        // Prepare
        const sub = await provisioned();

        // Act
        const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, { json: { [field]: 'x' } });

        // Assess
        expectItem(reply, INVALID, field);
      },
    );

    it.each([
      ['package', 'gold'],
      ['timezone', 'Nowhere/Land'],
      ['primaryPhoneNumber', 'abc'],
      ['mobilePhoneNumber', 'abc'],
      ['extension', 'abc'],
      ['firstName', ''],
      ['lastName', long],
      ['userId', 7],
      ['language', 'en\u0000'],
      ['firstName', 'Ada\nLovelace'],
    ])('answers 400 1002 with fieldName %s for the invalid value %j', async (field, value) => {
      // Prepare
      const sub = await provisioned();

      // Act
      const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, { json: { [field]: value } });

      // Assess
      expectItem(reply, INVALID, field);
    });

    it('answers 400 1002 when primaryPhoneNumber and extension are both removed', async () => {
      // Prepare
      const sub = await provisioned();

      // Act
      const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, {
        json: { primaryPhoneNumber: '', extension: '' },
      });

      // Assess
      expectItem(reply, INVALID, 'primaryPhoneNumber');
    });

    it('validates before it looks at the status (400 before 409)', async () => {
      // Prepare
      const sub = await h.provision();

      // Act
      const reply = await h.call('PUT', `/v1/broadworks/subscribers/${sub.id}`, { json: { package: 'gold' } });

      // Assess
      expectItem(reply, INVALID, 'package');
    });
  });

  describe('Precheck', () => {
    it('answers exactly the documented success body for an email only', async () => {
      // Act
      const reply = await precheck({ email: 'ada@acme.example.com' });

      // Assess
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        message: 'success',
        info: [{ infoCode: 100, description: 'Provisioning preCheck validation successful.' }],
      });
      expect(reply.body).toEqual(PRECHECK_SUCCESS);
    });

    it('accepts the whole provisioning payload with customerInfo', async () => {
      // Act
      const reply = await precheck({
        ...provisionBody({ provisioningId: UNTRUSTED_TEMPLATE_ID }),
        customerInfo: { primaryEmail: 'admin@acme.example.com' },
      });

      // Assess
      expect(reply.status).toBe(200);
    });

    it('accepts any language and refuses control characters with 1002 and fieldName', async () => {
      // Act
      const anyLanguage = await precheck({ email: 'ada@acme.example.com', language: 'en-US' });
      const control = await precheck({ email: 'ada@acme.example.com', firstName: 'Ada\r\nX-Injected: 1' });

      // Assess
      expect(anyLanguage.status).toBe(200);
      expectItem(control, INVALID, 'firstName');
    });

    it('answers 400 1001 on email when it is missing', async () => {
      // Act
      const reply = await precheck({ firstName: 'Ada' });

      // Assess
      expectItem(reply, MISSING, 'email');
    });

    it('answers 400 1001 on customerInfo.primaryEmail when customerInfo lacks it', async () => {
      // Act
      const reply = await precheck({ email: 'ada@acme.example.com', customerInfo: {} });

      // Assess
      expectItem(reply, MISSING, 'customerInfo.primaryEmail');
    });

    it.each([
      ['email', 'nope'],
      ['package', 'gold'],
      ['primaryPhoneNumber', 'x'],
      ['timezone', 'Mars/Base'],
    ])('answers 400 1002 with fieldName %s for the invalid value %j', async (field, value) => {
      // Act
      const reply = await precheck({ email: 'ada@acme.example.com', [field]: value });

      // Assess
      expectItem(reply, INVALID, field);
    });

    it('answers 400 1002 on provisioningId for an unknown customer template', async () => {
      // Act
      const reply = await precheck({ email: 'ada@acme.example.com', provisioningId: 'dW5rbm93bg' });

      // Assess
      expectItem(reply, INVALID, 'provisioningId');
    });

    it('answers 409 with errorCode 10022 when the userId is already in use', async () => {
      // Prepare
      await h.provision({ userId: 'used@sp.example.com' });

      // Act
      const reply = await precheck({ email: 'ada@acme.example.com', userId: 'used@sp.example.com' });

      // Assess
      expect(reply.status).toBe(409);
      expect(errorItems(reply)[0]?.errorCode).toBe(ERROR_CODES.userIdInUse);
    });
  });

  describe('List', () => {
    it.each([
      ['max=0', 'max'],
      ['max=101', 'max'],
      ['max=ten', 'max'],
      ['status=done', 'status'],
      ['status=provisioned,bogus', 'status'],
      ['after=yesterday', 'after'],
      ['lastStatusChange=2025-13-45', 'lastStatusChange'],
      ['selfActivated=maybe', 'selfActivated'],
      ['max=2&max=3', 'max'],
      ['cursor=not-a-cursor', 'cursor'],
      [`userId=${long}`, 'userId'],
    ])('answers 400 1002 for %s with fieldName %s', async (query, field) => {
      // Act
      const reply = await list(query);

      // Assess
      expectItem(reply, INVALID, field);
    });

    it('accepts max=100 and unknown parameters', async () => {
      // Act
      const reply = await list('max=100&orgId=whatever');

      // Assess
      expect(reply.status).toBe(200);
    });
  });
});
