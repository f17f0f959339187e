/**
 * Minimal types for `dynalite` (an in-memory DynamoDB on LevelDB), which ships none. Only what the local runtime uses.
 */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  export interface DynaliteOptions {
    /** LevelDB directory; in memory when omitted. */
    path?: string;
    /** How long a new table stays CREATING (default 500 ms). */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  /** Creates (does not start) an HTTP server speaking the DynamoDB JSON protocol; call `listen` on it. */
  function createServer(options?: DynaliteOptions): Server;
  export default createServer;
}
