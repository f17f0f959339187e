/**
 * Keeping the local engine's executions across restarts of `npm start`: one JSON file per execution (its record and
 * AWS-shaped history) in a directory, written shortly after each change and at shutdown (write to a temporary file, then
 * rename, so a crash never leaves half a file). `resumePoint` says where a RUNNING execution continues: the last state it
 * entered, with that state's input.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../functions/shared/logger';
import type { ExecutionRecord } from './types';

export interface ExecutionStore {
  /** Every execution kept, oldest first. */
  load(): ExecutionRecord[];
  /** The record changed: write it soon. */
  save(record: ExecutionRecord): void;
  /** The engine dropped the execution (oldest closed ones): forget it. */
  remove(executionArn: string): void;
  /** Write every pending change now. */
  flush(): void;
}

/** How long changes gather before they are written (an execution changes many times per second while it runs). */
const WRITE_DELAY_MS = 200;

export class FileExecutionStore implements ExecutionStore {
  private readonly pending = new Map<string, ExecutionRecord>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly directory: string,
    private readonly logger?: Logger,
  ) {
    mkdirSync(directory, { recursive: true });
  }

  load(): ExecutionRecord[] {
    const records: ExecutionRecord[] = [];
    for (const file of readdirSync(this.directory)) {
      if (!file.endsWith('.json')) continue;
      try {
        const record = JSON.parse(readFileSync(path.join(this.directory, file), 'utf8')) as ExecutionRecord;
        if (typeof record.executionArn === 'string' && Array.isArray(record.events)) records.push(record);
      } catch (error) {
        this.logger?.warn('a kept execution is unreadable and is skipped', { file, error });
      }
    }
    return records.sort((a, b) => a.startDate - b.startDate);
  }

  save(record: ExecutionRecord): void {
    this.pending.set(record.executionArn, record);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), WRITE_DELAY_MS);
    this.timer.unref();
  }

  remove(executionArn: string): void {
    this.pending.delete(executionArn);
    rmSync(this.fileOf(executionArn), { force: true });
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const [arn, record] of this.pending) {
      this.pending.delete(arn);
      const file = this.fileOf(arn);
      try {
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(record), { mode: 0o600 });
        renameSync(temporary, file);
      } catch (error) {
        this.logger?.warn('cannot keep an execution', { executionArn: arn, error });
      }
    }
  }

  /** One file per execution, named by the execution's name (which holds no `/`, `\` or control character). */
  private fileOf(executionArn: string): string {
    const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
    return path.join(this.directory, `${encodeURIComponent(name)}.json`);
  }
}

/** Where a RUNNING execution continues: the last state it entered and that state's input. */
export function resumePoint(record: ExecutionRecord): { stateName: string; input: unknown } | undefined {
  for (let i = record.events.length - 1; i >= 0; i--) {
    const details = (record.events[i] as { stateEnteredEventDetails?: { name?: unknown; input?: unknown } })
      .stateEnteredEventDetails;
    if (details && typeof details.name === 'string') {
      let input: unknown = null;
      try {
        input = typeof details.input === 'string' ? JSON.parse(details.input) : null;
      } catch {
        return undefined;
      }
      return { stateName: details.name, input };
    }
  }
  return undefined;
}
