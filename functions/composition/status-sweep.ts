/**
 * The status sweeper's wiring: its records in the Webex state table, and what the sweeper needs. Imported by the
 * sweeper and the workflow's tasks only: the records' reader builds the subscriber schema at load.
 */
import { DynamoStatusRecords } from '../adapters/dynamodb/status-records';
import type { StatusRecordStore } from '../domain/ports/status-records';
import type { StatusSweepDeps } from '../domain/status-sweep/sweep';
import type { Logger } from '../shared/logger';
import { once } from './cache';
import { getClock, getConfig, getDynamoDbClient } from './root';
import { getWebex } from './webex';

/**
 * The status sweeper's records in the Webex state table, or undefined without WEBEX_STATE_TABLE_NAME (then `Check
 * status` asks Webex every time, as without a sweeper).
 */
export function getStatusRecords(): StatusRecordStore | undefined {
  const config = getConfig();
  if (config.webexStateTableName === undefined) return undefined;
  const tableName = config.webexStateTableName;
  return once(
    'statusRecords',
    () => new DynamoStatusRecords({ client: getDynamoDbClient(), tableName, clock: getClock() }),
  );
}

/** What the status sweeper needs: Webex, the Webex state table and the clock. */
export function getStatusSweepDependencies(logger: Logger): StatusSweepDeps {
  getConfig(['webex', 'webexState']);
  return {
    webex: getWebex(),
    records: getStatusRecords() as StatusRecordStore,
    clock: getClock(),
    logger,
  };
}
