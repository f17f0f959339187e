/**
 * The decided field rules of CONTRACT.md, as the request schemas enforce them: a missing field is errorCode 1001, a bad
 * value 1002, each with `fieldName`, and several problems give several error items.
 */
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { ListQuerySchema } from '../../functions/domain/contract/list-query';
import { PrecheckRequestSchema } from '../../functions/domain/contract/precheck-request';
import { ProvisionRequestSchema } from '../../functions/domain/contract/provision-request';
import { RULES } from '../../functions/domain/contract/rules';
import { UpdateRequestSchema } from '../../functions/domain/contract/update-request';
import { parseOrThrow } from '../../functions/domain/contract/validation';
import { ValidationError, type WebexErrorItem } from '../../functions/domain/errors';

const validProvision = {
  provisioningId: 'ZjViMzYxODctYzhkZC00NzI3',
  userId: '95547321@sp.com',
  spEnterpriseId: 'Reseller1+acme',
  firstName: 'John',
  lastName: 'Andersen',
  package: 'standard',
  primaryPhoneNumber: '+1-240-555-1212',
};

function errorsOf(schema: z.ZodMiniType, input: unknown): WebexErrorItem[] {
  try {
    parseOrThrow(schema, input);
  } catch (error) {
    if (error instanceof ValidationError) return error.errors;
    throw error;
  }
  return [];
}

function codes(items: WebexErrorItem[]): Array<[string | undefined, number | undefined]> {
  return items.map((i) => [i.fieldName, i.errorCode]);
}

describe('Provision request validation', () => {
  it('accepts a complete body', () => {
    // Act
    const errors = errorsOf(ProvisionRequestSchema, validProvision);

    // Assess
    expect(errors).toEqual([]);
  });

  it.each(['provisioningId', 'userId', 'spEnterpriseId', 'firstName', 'lastName', 'package'])(
    'answers 1001 with fieldName when %s is missing',
    (field) => {
      // Prepare
      const body: Record<string, unknown> = { ...validProvision };
      delete body[field];

      // Act
      const errors = errorsOf(ProvisionRequestSchema, body);

      // Assess
      expect(codes(errors)).toEqual([[field, 1001]]);
    },
  );

  it('answers 1001 on primaryPhoneNumber when neither a phone number nor an extension is given', () => {
    // Prepare
    const { primaryPhoneNumber: _omit, ...body } = validProvision;

    // Act
    const errors = errorsOf(ProvisionRequestSchema, body);

    // Assess
    expect(codes(errors)).toEqual([['primaryPhoneNumber', 1001]]);
  });

  it.each([
    ['package', 'gold'],
    ['email', 'not-an-email'],
    ['email', `${'a'.repeat(250)}@x.com`],
    ['language', 'x'.repeat(RULES.maxStringLength + 1)],
    ['timezone', 'Mars/Olympus_Mons'],
    ['primaryPhoneNumber', '555-CALL-NOW'],
    ['mobilePhoneNumber', '12ab'],
    ['extension', 'x12'],
    ['firstName', 'x'.repeat(RULES.maxStringLength + 1)],
    ['firstName', 42],
    ['firstName', null],
    ['lastName', ''],
  ])('answers 1002 with fieldName when %s is %j', (field, value) => {
    // Prepare
    const body = { ...validProvision, [field]: value };

    // Act
    const errors = errorsOf(ProvisionRequestSchema, body);

    // Assess
    expect(codes(errors)).toEqual([[field, 1002]]);
    expect(errors[0]?.description).toContain(field);
  });

  it('reports every problem at once', () => {
    // Prepare
    const body = { userId: 'u', firstName: 7, package: 'gold' };

    // Act
    const errors = errorsOf(ProvisionRequestSchema, body);

    // Assess
    expect(codes(errors)).toEqual(
      expect.arrayContaining([
        ['provisioningId', 1001],
        ['spEnterpriseId', 1001],
        ['firstName', 1002],
        ['lastName', 1001],
        ['package', 1002],
        ['primaryPhoneNumber', 1001],
      ]),
    );
    expect(errors).toHaveLength(6);
  });

  it.each([null, [], 'text', 12])('refuses a body that is not an object (%j) with 1002', (body) => {
    // Act
    const errors = errorsOf(ProvisionRequestSchema, body);

    // Assess
    expect(codes(errors)).toEqual([[undefined, 1002]]);
  });

  it('accepts the documented formats of timezone, language and phone numbers', () => {
    // Prepare
    const body = {
      ...validProvision,
      timezone: 'America/Los_Angeles',
      language: 'en_US',
      mobilePhoneNumber: '(818) 279-1234',
      extension: '1212',
      email: 'john.anderson@acme.com',
    };

    // Act
    const errors = errorsOf(ProvisionRequestSchema, body);

    // Assess
    expect(errors).toEqual([]);
  });
});

/** Control characters no text field may hold (CONTRACT.md, 2026-12-04): C0, DEL, C1 and lone surrogates. */
const CONTROL_CHARACTERS: Array<[string, string]> = [
  ['NUL', 'Ada\u0000'],
  ['CR', 'Ada\rLovelace'],
  ['LF', 'Ada\nLovelace'],
  ['TAB', 'Ada\tLovelace'],
  ['ESC', '\u001b[31mAda'],
  ['DEL', 'Ada\u007f'],
  ['C1 NEL', 'Ada\u0085'],
  ['C1 CSI', 'Ada\u009b'],
  ['a lone high surrogate', 'Ada\ud800'],
  ['a lone low surrogate', '\udc00Ada'],
];

describe('control characters in text fields', () => {
  it.each(CONTROL_CHARACTERS)('Provision answers 1002 with fieldName for %s in any text field', (_name, value) => {
    for (const field of ['provisioningId', 'userId', 'spEnterpriseId', 'firstName', 'lastName', 'language']) {
      // Act
      const errors = errorsOf(ProvisionRequestSchema, { ...validProvision, [field]: value });

      // Assess
      expect(codes(errors), field).toEqual([[field, 1002]]);
    }
  });

  it.each(CONTROL_CHARACTERS)('refuses %s in the email, phone and timezone fields too', (_name, value) => {
    // Act
    const errors = errorsOf(ProvisionRequestSchema, {
      ...validProvision,
      email: `a${value}@b.co`,
      primaryPhoneNumber: `+1 555${value}`,
      timezone: `Europe/${value}`,
    });

    // Assess
    expect(codes(errors)).toEqual([
      ['primaryPhoneNumber', 1002],
      ['email', 1002],
      ['timezone', 1002],
    ]);
  });

  it.each(CONTROL_CHARACTERS)('Update, Precheck and List refuse %s with 1002 and fieldName', (_name, value) => {
    // Act
    const update = errorsOf(UpdateRequestSchema, { firstName: value, language: value });
    const precheck = errorsOf(PrecheckRequestSchema, {
      email: 'a@b.co',
      customerInfo: { primaryEmail: `x${value}@b.co` },
    });
    const list = errorsOf(ListQuerySchema, { userId: value });

    // Assess
    expect(codes(update)).toEqual([
      ['firstName', 1002],
      ['language', 1002],
    ]);
    expect(codes(precheck)).toEqual([['customerInfo.primaryEmail', 1002]]);
    expect(codes(list)).toEqual([['userId', 1002]]);
  });

  it('accepts printable Unicode in every script, emoji (surrogate pairs) included', () => {
    // Prepare
    const body = {
      ...validProvision,
      firstName: 'Zoë Ñúñez 王小明 Ωμέγα',
      lastName: "O'Brien-Łukasz العربية 🙂",
      spEnterpriseId: 'SP1+acme ü',
    };

    // Act
    const errors = errorsOf(ProvisionRequestSchema, body);

    // Assess
    expect(errors).toEqual([]);
  });
});

describe('language (reserved by Webex: any value accepted and ignored)', () => {
  it.each(['en', 'en-US', 'en_US', 'english', 'EN', '', 'Français'])(
    'accepts %j on Provision, Update and Precheck',
    (language) => {
      // Act
      const errors = [
        ...errorsOf(ProvisionRequestSchema, { ...validProvision, language }),
        ...errorsOf(UpdateRequestSchema, { language }),
        ...errorsOf(PrecheckRequestSchema, { email: 'a@b.co', language }),
      ];

      // Assess
      expect(errors).toEqual([]);
    },
  );
});

describe('Update request validation', () => {
  it('accepts an empty body and empty phone values that remove a field', () => {
    // Act
    const errors = [
      ...errorsOf(UpdateRequestSchema, {}),
      ...errorsOf(UpdateRequestSchema, { mobilePhoneNumber: '' }),
      ...errorsOf(UpdateRequestSchema, { primaryPhoneNumber: '', extension: '1212' }),
    ];

    // Assess
    expect(errors).toEqual([]);
  });

  it.each(['email', 'spEnterpriseId', 'provisioningId'])('refuses a change of %s with 1002', (field) => {
    // Act
    const errors = errorsOf(UpdateRequestSchema, { [field]: 'x@y.com' });

    // Assess
    expect(codes(errors)).toEqual([[field, 1002]]);
  });

  it('refuses removing both the primary phone number and the extension', () => {
    // Act
    const errors = errorsOf(UpdateRequestSchema, { primaryPhoneNumber: '', extension: '' });

    // Assess
    expect(codes(errors)).toEqual([['primaryPhoneNumber', 1002]]);
  });

  it('accepts language and drops nothing else it knows', () => {
    // Act
    const parsed = parseOrThrow(UpdateRequestSchema, { language: 'fr', package: 'premium' });

    // Assess
    expect(parsed).toEqual({ language: 'fr', package: 'premium' });
  });
});

describe('Precheck request validation', () => {
  it('needs only an email', () => {
    // Act
    const errors = errorsOf(PrecheckRequestSchema, { email: 'a@b.co' });

    // Assess
    expect(errors).toEqual([]);
  });

  it('answers 1001 for a missing email and a customerInfo without primaryEmail', () => {
    // Act
    const errors = errorsOf(PrecheckRequestSchema, { customerInfo: {} });

    // Assess
    expect(codes(errors)).toEqual([
      ['email', 1001],
      ['customerInfo.primaryEmail', 1001],
    ]);
  });

  it('checks the other provisioning fields the same way as Provision', () => {
    // Act
    const errors = errorsOf(PrecheckRequestSchema, { email: 'a@b.co', package: 'gold', timezone: 'Nowhere/Land' });

    // Assess
    expect(codes(errors)).toEqual([
      ['package', 1002],
      ['timezone', 1002],
    ]);
  });
});

describe('List query validation', () => {
  it.each([
    ['max', '0'],
    ['max', '101'],
    ['max', 'ten'],
    ['status', 'provisioned,unknown'],
    ['selfActivated', 'maybe'],
    ['lastStatusChange', 'yesterday'],
    ['after', '2020-13-45T99:00:00Z'],
  ])('answers 1002 when %s is %j', (field, value) => {
    // Act
    const errors = errorsOf(ListQuerySchema, { [field]: value });

    // Assess
    expect(codes(errors)).toEqual([[field, 1002]]);
  });

  it('accepts a status list, epoch ms and ISO dates, and keeps unknown paging parameters', () => {
    // Act
    const parsed = parseOrThrow(ListQuerySchema, {
      status: 'error,provisioned,provisioning',
      lastStatusChange: '1579046400245',
      after: '2020-01-15T00:00:00.000Z',
      max: '100',
      cursor: 'opaque',
    });

    // Assess
    expect(parsed).toMatchObject({ max: '100', cursor: 'opaque', status: 'error,provisioned,provisioning' });
  });
});
