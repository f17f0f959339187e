/**
 * The one way code under `functions/` reaches zod: `zod/mini`, whose functions tree-shake to what a Lambda uses (~30 KB
 * with the English messages) where zod classic's methods carry all of it (~90 KB) into every bundle.
 *
 * It also installs zod's English messages, as zod classic does on its own: without them `zod/mini` answers every issue
 * that has no `error` of ours with a bare "Invalid input", and those messages reach Webex error items and logs.
 *
 *   import * as z from '../contract/zod';   // then z.string(), z.optional(…), z.refine(…) as with `zod/mini`
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
