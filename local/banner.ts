/** The banner `npm start` prints. */
import { PORT_SETTINGS } from './ports';
import type { LocalRuntime } from './runtime';
import { TRUSTED_TEMPLATE_ID } from './webex-simulator';

/** The banner: URLs, tokens (local sandbox tokens, printed on purpose) and a Provision-then-Get example. */
export function formatBanner(runtime: LocalRuntime, provisioningId: string = TRUSTED_TEMPLATE_ID): string {
  const api = runtime.urls.api;
  const example = JSON.stringify({
    provisioningId,
    userId: 'alice.smith@sp.example.com',
    spEnterpriseId: 'enterprise-0001',
    firstName: 'Alice',
    lastName: 'Smith',
    package: 'standard',
    primaryPhoneNumber: '+1 555 0100',
    email: 'alice.smith@example.com',
  });
  const lines = [
    '',
    'Webex for BroadWorks provisioning — local runtime',
    '',
    `  API               ${api}        (every route of functions/catalog/routes.ts; docs: ${api}/docs)`,
    `  Operator console  ${runtime.urls.console}        (signs you in at the local IdP at once)`,
    `  Health            ${api}/health`,
    `  DynamoDB          ${runtime.urls.dynamodb}        (dynalite, table ${runtime.auditTableName})`,
    `  Webex simulator   ${runtime.urls.simulator}        (control API: local/webex-simulator/README.md)`,
    ...(runtime.urls.stepFunctions ? [`  Step Functions    ${runtime.urls.stepFunctions}`] : []),
    '',
    'Sandbox tokens (valid 12 h, accepted by this runtime only):',
    `  write + read   ${runtime.tokens.write}`,
    `  read           ${runtime.tokens.read}`,
    '  more           npm run -s token -- write     (or: read)',
    '',
    'Try it:',
    `  export TOKEN='${runtime.tokens.write}'`,
    `  ID=$(curl -s -X POST ${api}/v1/broadworks/subscribers \\`,
    `    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\`,
    `    -d '${example}' \\`,
    `    | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id')`,
    `  curl -s ${api}/v1/broadworks/subscribers/$ID -H "Authorization: Bearer $TOKEN"`,
    `  curl -s ${api}/v1/broadworks/subscribers/$ID/audit -H "Authorization: Bearer $TOKEN"`,
    ...(runtime.urls.stepFunctions
      ? [
          '',
          'Run an order through the provisioning workflow (precheck, provision, poll to a final status):',
          `  ${orderCommand(runtime.urls.stepFunctions)}`,
        ]
      : []),
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  return lines.join('\n');
}

/** `npm run order`, with SFN_PORT when the Step Functions endpoint is not on its default port (the CLI reads it). */
export function orderCommand(stepFunctionsUrl: string): string {
  const { envVar, defaultPort } = PORT_SETTINGS.stepFunctions;
  const port = Number(new URL(stepFunctionsUrl).port);
  const prefix = port === defaultPort ? '' : `${envVar}=${port} `;
  return `${prefix}npm run order -- examples/order.json --follow`;
}
