/** Path parameter schemas shared by the API functions. */
import * as z from 'zod';
import { SubscriberIdSchema } from '../domain/contract/schemas';

export const SubscriberPathSchema = z.object({ subscriberId: SubscriberIdSchema });
export type SubscriberPath = z.infer<typeof SubscriberPathSchema>;
