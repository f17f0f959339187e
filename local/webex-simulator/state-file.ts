/**
 * Keeping the simulator's subscribers in a state file across restarts: read back at start, written when they changed
 * (to a temporary file, then renamed, so a crash never leaves half a file).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../functions/shared/logger';
import type { SubscriberStore, SubscriberStoreSnapshot } from './subscribers';

export class SubscriberStateFile {
  /** The text last read or written: a save writes only when the subscribers changed since. */
  private savedState: string | undefined;

  constructor(
    readonly file: string,
    private readonly store: SubscriberStore,
    private readonly logger: Logger,
  ) {}

  /** Restores the subscribers from the file, if there is one; an unreadable file is logged and ignored. */
  load(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      this.store.restore(JSON.parse(text) as SubscriberStoreSnapshot);
      this.savedState = text;
    } catch (error) {
      this.logger.warn('the simulator state file is unreadable: starting without subscribers', {
        file: this.file,
        error,
      });
    }
  }

  /** Writes the subscribers when they changed since the last write (write to a temporary file, then rename). */
  save(): void {
    const text = JSON.stringify(this.store.snapshot());
    if (text === this.savedState) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o600 });
      renameSync(temporary, this.file);
      this.savedState = text;
    } catch (error) {
      this.logger.warn('cannot write the simulator state file', { file: this.file, error });
    }
  }
}
