/**
 * The order an ordering system hands the provisioning workflow (our extension of the contract).
 */
import { CustomerInfoSchema } from './fields';
import { ProvisionRequestSchema, requirePhoneOrExtension } from './provision-request';
import { RULES } from './rules';
import * as z from './zod';

/** Step Functions execution names: 1 to 80 characters of letters, digits, `-` and `_`. The orderId is the name. */
export const ORDER_ID_PATTERN = RULES.orderIdPattern;

const wholeSeconds = () =>
  z
    .number({ error: 'must be a number of seconds' })
    .check(z.int({ error: 'must be a whole number of seconds' }), z.gte(60, { error: 'must be at least 60 seconds' }));

export const OrderOptionsSchema = z
  .object(
    {
      /** Give up with ProvisioningTimedOut after this many seconds (default: the workflow's). */
      deadlineSeconds: z.optional(
        wholeSeconds().check(
          z.lte(RULES.maxOrderDeadlineSeconds, {
            error: `must be at most ${RULES.maxOrderDeadlineSeconds} seconds (29 days)`,
          }),
        ),
      ),
      /** Resend the consent email once after this many seconds in pending_user_migration (off when absent). */
      resendConsentAfterSeconds: z.optional(wholeSeconds()),
    },
    { error: 'must be a JSON object' },
  )
  .register(z.globalRegistry, { id: 'OrderOptions' });

export const OrderSubscriberSchema = z
  .object(
    { ...ProvisionRequestSchema.shape, customerInfo: z.optional(CustomerInfoSchema) },
    { error: 'must be a JSON object' },
  )
  .check(z.refine(requirePhoneOrExtension.check, requirePhoneOrExtension.options))
  .register(z.globalRegistry, { id: 'OrderSubscriber' });

export const OrderSchema = z
  .object(
    {
      orderId: z
        .string({ error: 'must be a string' })
        .check(z.regex(ORDER_ID_PATTERN, { error: 'must be 1 to 80 letters, digits, - or _' })),
      subscriber: OrderSubscriberSchema,
      options: z.optional(OrderOptionsSchema),
    },
    { error: 'must be a JSON object' },
  )
  .register(z.globalRegistry, { id: 'Order' });
export type Order = z.infer<typeof OrderSchema>;
