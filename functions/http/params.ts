/** Path parameter schemas shared by the API functions. */

import { SubscriberIdSchema } from '../domain/contract/fields';
import { RULES } from '../domain/contract/rules';
import * as z from '../domain/contract/zod';

export const SubscriberPathSchema = z.object({ subscriberId: SubscriberIdSchema });
export type SubscriberPath = z.infer<typeof SubscriberPathSchema>;

export const OrderPathSchema = z.object({
  orderId: z
    .string({ error: 'must be a string' })
    .check(z.regex(RULES.orderIdPattern, { error: 'must be 1 to 80 letters, digits, - or _' })),
});
