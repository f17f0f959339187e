/**
 * Start an order with the AWS SDK and wait for its outcome — the same calls work against AWS (STATE_MACHINE_ARN from
 * the stack output, default credentials) and against the local endpoint of `npm start` (SFN_ENDPOINT).
 *
 *   SFN_ENDPOINT=http://127.0.0.1:${SFN_PORT:-8083} npx tsx examples/start-order.ts examples/order-sdk.json
 *
 * Its order (`examples/order-sdk.json`) is its own: another orderId and subscriber than `npm run order`'s
 * `examples/order.json`, so the examples never collide. An orderId runs once; a second run says so.
 */
import { readFile } from 'node:fs/promises';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

// On Node 20 the SDK warns that its 2027 releases need Node 22 (README, "Node 20"); its documented switch turns that
// one warning off. Remove this line on Node ≥ 22, where the SDK does not warn.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const endpoint = process.env.SFN_ENDPOINT;
const client = new SFNClient(
  endpoint ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {},
);

const stateMachineArn =
  process.env.STATE_MACHINE_ARN ??
  (await client.send(new ListStateMachinesCommand({}))).stateMachines?.find((m) => m.name === 'ProvisioningWorkflow')
    ?.stateMachineArn;
if (!stateMachineArn) throw new Error('Set STATE_MACHINE_ARN (the stack output) or SFN_ENDPOINT (npm start).');

const input = await readFile(process.argv[2] ?? 'examples/order-sdk.json', 'utf8');
const { orderId } = JSON.parse(input) as { orderId: string };

// The execution name IS the orderId: the same order cannot run twice.
let executionArn: string | undefined;
try {
  ({ executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: orderId, input })));
} catch (error) {
  if (!(error instanceof ExecutionAlreadyExists)) throw error;
  console.log(
    `Order ${orderId} has been started before: an orderId runs once (it is the execution name). ` +
      'Give the order another orderId (and, for a new subscriber, another userId and email) to run it again.',
  );
  client.destroy();
  process.exit(0);
}
console.log('started', executionArn);

let status = 'RUNNING';
while (status === 'RUNNING') {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const described = await client.send(new DescribeExecutionCommand({ executionArn }));
  status = described.status ?? 'RUNNING';
  if (status === 'SUCCEEDED') console.log('provisioned', JSON.parse(described.output ?? '{}').subscriber?.id);
  else if (status !== 'RUNNING') console.log(status, described.error, described.cause);
}

const { events } = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
for (const event of events ?? []) {
  const name = event.stateEnteredEventDetails?.name;
  if (name) console.log(event.timestamp?.toISOString(), event.type, name);
}
client.destroy();
