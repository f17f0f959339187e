/**
 * What the simulated Webex partner org knows before any call: its customer templates and the Webex users that already
 * exist in other orgs. Fixed values, so documentation, demos and tests can rely on them.
 */

export interface CustomerTemplate {
  /** The id a Provision/Precheck names in `provisioningId` (Cisco's ids are base64 strings). */
  provisioningId: string;
  name: string;
  /** Does the template trust the service provider's emails? If not, every subscriber validates their email first. */
  trustsEmail: boolean;
}

export const SEEDED_TEMPLATES: readonly CustomerTemplate[] = [
  {
    // The provisioningId of Cisco's own examples, so requests copied from the documentation work as they are.
    provisioningId:
      'ZjViMzYxODctYzhkZC00NzI3LThiMmYtZjljNDQ3ZjI5MDQ2OjQyODVmNTk0LTViNTEtNDdiZS05Mzk2LTZjMzZlMmFkODNhNQ',
    name: 'Trusted email template',
    trustsEmail: true,
  },
  {
    provisioningId:
      'MGM5YTdkNTItM2U0MS00ZjZiLTlhMmUtNWQ4YzFiN2U2ZjMwOjhiMWUyYzQ0LTdhOTAtNGQzZi1iNmU1LTJmMWE5YzBkNGU3MQ',
    name: 'Email validation template',
    trustsEmail: false,
  },
];

export const TRUSTED_TEMPLATE_ID = SEEDED_TEMPLATES[0]?.provisioningId ?? '';
export const UNTRUSTED_TEMPLATE_ID = SEEDED_TEMPLATES[1]?.provisioningId ?? '';

/** Every address at these domains belongs to an existing Webex user in another org. */
export const EXISTING_WEBEX_DOMAINS: readonly string[] = ['existing-webex.example.com'];

/** And so do these addresses. */
export const EXISTING_WEBEX_EMAILS: readonly string[] = ['existing.user@example.com', 'already.on.webex@example.org'];

/** Does `email` belong to an existing Webex user in another org (case-insensitive)? */
export function isExistingWebexUser(email: string): boolean {
  const lower = email.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return EXISTING_WEBEX_DOMAINS.includes(domain) || EXISTING_WEBEX_EMAILS.includes(lower);
}

/** A `userId` starting with this prefix makes the background provisioning (or update) end in `error` with 1002. */
export const FAILING_USER_ID_PREFIX = 'fail-';
