/** Test helper: an in-memory dynalite on 127.0.0.1:0 with the audit table created from `audit-table.ts`. */
import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import createDynalite from 'dynalite';
import { auditTableCreateInput } from '../../functions/adapters/dynamodb/audit-table';
import { batchTableCreateInput } from '../../functions/adapters/dynamodb/batch-table';
import { webexStateTableCreateInput } from '../../functions/adapters/dynamodb/webex-state-table';

export interface TestDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  /** The Webex state table (pacer, sweeper records), `<tableName>-webex-state`. */
  stateTableName: string;
  stop(): Promise<void>;
}

export const TEST_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'us-east-1',
} as const;

export interface TestDynamoOptions {
  /**
   * Run dynalite in a child process (`dynalite-process.mjs`) instead of this one: for benchmarks that put every Lambda
   * in one process, so that DynamoDB does not take their CPU (it never does in AWS).
   */
  ownProcess?: boolean;
}

interface DynaliteServer {
  port: number;
  close(): Promise<void>;
}

async function inThisProcess(): Promise<DynaliteServer> {
  const server = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function inItsOwnProcess(): Promise<DynaliteServer> {
  const child = fork(new URL('./dynalite-process.mjs', import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite's process ended (${code}) before it listened`)));
  });
  return {
    port,
    close: async () => {
      child.kill();
      await exited;
    },
  };
}

export async function startTestDynamo(tableName = 'audit-test', options: TestDynamoOptions = {}): Promise<TestDynamo> {
  const server = options.ownProcess ? await inItsOwnProcess() : await inThisProcess();
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: TEST_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const stateTableName = `${tableName}-webex-state`;
  await client.send(new CreateTableCommand(auditTableCreateInput(tableName)));
  await client.send(new CreateTableCommand(webexStateTableCreateInput(stateTableName)));
  for (const name of [tableName, stateTableName]) {
    for (let i = 0; i < 100; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
      if (Table?.TableStatus === 'ACTIVE') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return {
    endpoint,
    client,
    tableName,
    stateTableName,
    stop: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** The batch table `<tableName>-batches` beside the audit table (once per dynalite; again is a no-op); its name. */
export async function createTestBatchTable(dynamo: TestDynamo): Promise<string> {
  const name = `${dynamo.tableName}-batches`;
  try {
    await dynamo.client.send(new CreateTableCommand(batchTableCreateInput(name)));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
  }
  return name;
}
