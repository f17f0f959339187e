/**
 * DynamoDB for the local runtime: dynalite on 127.0.0.1, in memory or kept on disk (`path`: LevelDB through
 * `classic-level`, so the audit trail survives a restart), with the audit table created from the same description
 * CDK deploys (`functions/adapters/dynamodb/audit-table.ts`). The AWS SDK and CLI work against it unchanged. dynalite
 * itself listens on an ephemeral port behind the audit stream proxy (`audit-stream.ts`), which serves the configured port
 * and emulates the table's stream.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import createDynalite from 'dynalite';
import { auditTableCreateInput } from '../functions/adapters/dynamodb/audit-table';
import { batchTableCreateInput } from '../functions/adapters/dynamodb/batch-table';
import { webexStateTableCreateInput } from '../functions/adapters/dynamodb/webex-state-table';
import type { Logger } from '../functions/shared/logger';
import { type AuditStreamProxy, startAuditStreamProxy } from './audit-stream';
import { listen } from './ports';

/** Credentials for dynalite only: it accepts any; these are never real. */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalDynamoDb {
  readonly url: string;
  readonly port: number;
  readonly tableName: string;
  /** The Webex state table (the shared pacer of Webex calls, the status sweeper's records). */
  readonly stateTableName: string;
  /** The audit table's stream (emulated): subscribe the consumer, wait for delivery, see dead letters. */
  readonly stream: AuditStreamProxy;
  /** Resolves when the audit table is ACTIVE; throws otherwise. */
  check(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalDynamoDbOptions {
  port: number;
  host?: string;
  tableName: string;
  /** The batch table (created beside the audit table when given). */
  batchTableName?: string;
  /** Default `<tableName>-webex-state`. */
  stateTableName?: string;
  region: string;
  /** Where the stream emulation logs dead letters. */
  logger?: Logger;
  /** Give up waiting for the table after this long (default 10 s). */
  tableActiveTimeoutMs?: number;
  /** A directory for dynalite's LevelDB store: the data outlives the process. Default: in memory. */
  path?: string;
}

export async function startLocalDynamoDb(options: LocalDynamoDbOptions): Promise<LocalDynamoDb> {
  const host = options.host ?? '127.0.0.1';
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const server: Server = createDynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const dynalitePort = await listen(server, 'dynamodb', 0, host);
  const stopDynalite = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  let stream: AuditStreamProxy;
  try {
    stream = await startAuditStreamProxy({
      target: `http://${host}:${dynalitePort}`,
      port: options.port,
      host,
      tableName: options.tableName,
      region: options.region,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  } catch (error) {
    await stopDynalite();
    throw error;
  }
  const { url, port } = stream;
  const client = new DynamoDBClient({ endpoint: url, region: options.region, credentials: LOCAL_AWS_CREDENTIALS });

  const stop = async () => {
    client.destroy();
    await stream.stop();
    await stopDynalite();
  };

  const stateTableName = options.stateTableName ?? `${options.tableName}-webex-state`;
  const describe = async (tableName = options.tableName) => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  };

  try {
    const tables = [auditTableCreateInput(options.tableName), webexStateTableCreateInput(stateTableName)];
    if (options.batchTableName !== undefined) tables.push(batchTableCreateInput(options.batchTableName));
    for (const table of tables) {
      // A kept store already has the table.
      await client.send(new CreateTableCommand(table)).catch((error: unknown) => {
        if ((error as { name?: string }).name !== 'ResourceInUseException') throw error;
      });
      const tableName = table.TableName as string;
      const deadline = Date.now() + (options.tableActiveTimeoutMs ?? 10_000);
      // Polls a real server's state (dynalite's CREATING -> ACTIVE), not a test clock.
      while ((await describe(tableName)) !== 'ACTIVE') {
        if (Date.now() > deadline) throw new Error(`The table ${tableName} did not become ACTIVE`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    port,
    tableName: options.tableName,
    stateTableName,
    stream,
    async check() {
      const status = await describe();
      if (status !== 'ACTIVE') throw new Error(`table ${options.tableName} is ${status ?? 'missing'}`);
    },
    stop,
  };
}
