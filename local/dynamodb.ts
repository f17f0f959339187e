/**
 * DynamoDB for the local runtime: dynalite in memory on 127.0.0.1, with the audit table created from the same description
 * CDK deploys (`functions/adapters/dynamodb/audit-table.ts`). The AWS SDK and CLI work against it unchanged.
 */
import type { Server } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import createDynalite from 'dynalite';
import { auditTableCreateInput } from '../functions/adapters/dynamodb/audit-table';
import { listen } from './ports';

/** Credentials for dynalite only: it accepts any; these are never real. */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalDynamoDb {
  readonly url: string;
  readonly port: number;
  readonly tableName: string;
  /** Resolves when the audit table is ACTIVE; throws otherwise. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalDynamoDbOptions {
  port: number;
  host?: string;
  tableName: string;
  region: string;
  /** Give up waiting for the table after this long (default 10 s). */
  tableActiveTimeoutMs?: number;
}

export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, 'dynamodb', options.port, host);
  const url = `http://${host}:${port}`;
  const client = new DynamoDBClient({ endpoint: url, region: options.region, credentials: LOCAL_AWS_CREDENTIALS });

  const stop = async () => {
    client.destroy();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  const describe = async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: options.tableName }));
    return Table?.TableStatus;
  };

  try {
    await client.send(new CreateTableCommand(auditTableCreateInput(options.tableName)));
    const deadline = Date.now() + (options.tableActiveTimeoutMs ?? 10_000);
    // Polls a real server's state (dynalite's CREATING -> ACTIVE), not a test clock.
    while ((await describe()) !== 'ACTIVE') {
      if (Date.now() > deadline) throw new Error(`The audit table ${options.tableName} did not become ACTIVE`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    port,
    tableName: options.tableName,
    async check() {
      const status = await describe();
      if (status !== 'ACTIVE') throw new Error(`table ${options.tableName} is ${status ?? 'missing'}`);
    },
    stop,
  };
}
