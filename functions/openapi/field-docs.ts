/**
 * The document's own words for the contract's fields and query parameters: descriptions, examples, and the shapes
 * (patterns, JSON types, bounds) a zod `refine` or a string-typed query parameter cannot say in JSON Schema.
 */
import { PACKAGES, STATUSES } from '../domain/contract/fields';
import { RULES } from '../domain/contract/rules';
import type { JsonObject } from './schemas';

/** Descriptions of query parameters, by name, with their JSON type and an example where they have one. */
export type QueryParameterDocs = Record<string, { description: string; schema?: JsonObject; example?: string }>;

const STATUS_LIST_PATTERN = `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$`;
/** What a zod `refine` cannot say in JSON Schema: the IANA zone id's shape (the zone must also exist). */
const TIMEZONE_PATTERN = '^[A-Za-z_]+(/[A-Za-z0-9_+-]+){0,2}$';
const NO_CONTROL_CHARACTERS = 'No control characters (C0, DEL, C1, lone surrogates): 400 with errorCode 1002.';

/**
 * Query parameters as they travel (strings in the URL), described by what they mean. The zod schemas check them as
 * strings; here each gets its JSON type, bounds and default, so a generated client sends the right values.
 */
export const QUERY_PARAMETER_DOCS: QueryParameterDocs = {
  userId: { description: 'Only the subscriber with this BroadWorks user id.', example: '95547321@sp.com' },
  personId: { description: 'Only the subscriber with this Webex person id.' },
  email: { description: 'Only the subscriber with this email address.', example: 'john.anderson@acme.com' },
  provisioningId: { description: 'Only subscribers of this customer template (provisioning id).' },
  spEnterpriseId: { description: "Only subscribers of this service provider's enterprise.", example: 'SP1+acme' },
  status: {
    description:
      'Only subscribers in one of these statuses: a comma-separated list, e.g. `status=error,provisioned,provisioning`.',
    schema: { type: 'string', pattern: STATUS_LIST_PATTERN },
    example: 'error,provisioned,provisioning',
  },
  lastStatusChange: {
    description:
      'Only subscribers whose status changed after this moment: epoch milliseconds, or an ISO 8601 date and time.',
    example: '1579046400245',
  },
  after: {
    description: 'Only subscribers created after this moment: epoch milliseconds, or an ISO 8601 date and time.',
    example: '1579046400245',
  },
  selfActivated: {
    description: 'Only subscribers that activated themselves (`true`) or were provisioned through this API (`false`).',
    schema: { type: 'boolean' },
  },
  max: {
    description: `Page size: at most this many items per page, from 1 to ${RULES.listMaxMax} (default ${RULES.listDefaultMax}). The \`Link\` header leads to the next page.`,
    schema: { type: 'integer', minimum: 1, maximum: RULES.listMaxMax, default: RULES.listDefaultMax },
    example: '10',
  },
  cursor: {
    description: 'Where the next page starts: copy it from the `Link` header of the previous page, never build it.',
  },
};

/**
 * Descriptions of the contract's fields, in our own words, added to every component property of that name. Where a
 * zod `refine` has no JSON Schema form (the IANA time zone), its shape is added here too.
 */
const FIELD_DOCS: Record<string, JsonObject> = {
  id: { description: 'The subscriber id (a Webex id).' },
  personId: {
    description:
      'The Webex person id. Present once the subscriber has been provisioned, and kept while it is `updating`.',
  },
  provisioningId: {
    description: 'The customer template the subscriber is provisioned with (Webex Control Hub). Fixed at Provision.',
  },
  userId: { description: 'The BroadWorks user id of the subscriber.', example: '95547321@sp.com' },
  spEnterpriseId: {
    description: "The service provider's own id of the subscriber's enterprise. Fixed at Provision.",
    example: 'SP1+acme',
  },
  firstName: { description: `The first name. ${NO_CONTROL_CHARACTERS}`, example: 'John' },
  lastName: { description: `The last name. ${NO_CONTROL_CHARACTERS}`, example: 'Andersen' },
  email: {
    description: `The email address, at most ${RULES.maxEmailLength} characters. Fixed at Provision.`,
    example: 'john.anderson@acme.com',
  },
  primaryPhoneNumber: {
    description:
      'The primary phone number: digits, an optional leading `+`, and `-`, space, `(` `)` separators. ' +
      'A subscriber keeps at least one of primaryPhoneNumber and extension.',
    example: '+1-240-555-1212',
  },
  mobilePhoneNumber: { description: 'The mobile phone number, in the same format.', example: '+1-818-279-1234' },
  extension: { description: 'The extension, in the same format.', example: '1212' },
  package: { description: `The Webex package: one of ${PACKAGES.join(', ')}.`, example: 'standard' },
  language: {
    description: 'Reserved by Webex. In a request any string is accepted and ignored; every response shows `en`.',
    example: 'en',
  },
  timezone: {
    description: 'An IANA time zone id, such as `America/Los_Angeles`; a zone that does not exist is 400 1002.',
    pattern: TIMEZONE_PATTERN,
    example: 'America/Los_Angeles',
  },
  customerInfo: { description: 'The customer: its `primaryEmail` is required when customerInfo is sent.' },
  primaryEmail: { description: "The customer administrator's email address.", example: 'admin@acme.com' },
  status: { description: 'The provisioning status (see the List operation for the meaning of each).' },
  errors: { description: 'The errors of the last background attempt, when it failed.' },
  created: { description: 'When the subscriber was created (ISO 8601, milliseconds, UTC).' },
  lastStatusChange: { description: 'When the status last changed (ISO 8601, milliseconds, UTC).' },
  selfActivated: { description: 'Whether the subscriber activated itself rather than through this API.' },
};

/** Add `FIELD_DOCS` to the properties of every object schema in `components` (nested objects included). */
export function describeFields(schema: unknown): void {
  if (schema === null || typeof schema !== 'object') return;
  if (Array.isArray(schema)) {
    for (const item of schema) describeFields(item);
    return;
  }
  const node = schema as JsonObject;
  const properties = node.properties;
  if (properties !== null && typeof properties === 'object') {
    for (const [name, property] of Object.entries(properties as Record<string, JsonObject>)) {
      const docs = FIELD_DOCS[name];
      if (docs && property && typeof property === 'object' && !('$ref' in property)) {
        for (const [key, value] of Object.entries(docs)) property[key] ??= value;
      }
    }
  }
  for (const value of Object.values(node)) describeFields(value);
}
