/** Path parameter schemas shared by the API functions. */

import { SubscriberIdSchema } from '../domain/contract/fields';
import * as z from '../domain/contract/zod';

export const SubscriberPathSchema = z.object({ subscriberId: SubscriberIdSchema });
export type SubscriberPath = z.infer<typeof SubscriberPathSchema>;
