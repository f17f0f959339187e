/**
 * The order an ordering system hands the provisioning workflow (our extension of the contract).
 */
import * as z from 'zod';
import { RULES } from './rules';
import { CustomerInfoSchema, ProvisionRequestSchema, requirePhoneOrExtension } from './schemas';

/** Step Functions execution names: 1 to 80 characters of letters, digits, `-` and `_`. The orderId is the name. */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export const OrderOptionsSchema = z
  .object(
    {
      /** Give up with ProvisioningTimedOut after this many seconds (default: the workflow's). */
      deadlineSeconds: z
        .number({ error: 'must be a number of seconds' })
        .int({ error: 'must be a whole number of seconds' })
        .min(60, { error: 'must be at least 60 seconds' })
        .max(RULES.maxOrderDeadlineSeconds, {
          error: `must be at most ${RULES.maxOrderDeadlineSeconds} seconds (29 days)`,
        })
        .optional(),
      /** Resend the consent email once after this many seconds in pending_user_migration (off when absent). */
      resendConsentAfterSeconds: z
        .number({ error: 'must be a number of seconds' })
        .int({ error: 'must be a whole number of seconds' })
        .min(60, { error: 'must be at least 60 seconds' })
        .optional(),
    },
    { error: 'must be a JSON object' },
  )
  .meta({ id: 'OrderOptions' });

export const OrderSubscriberSchema = z
  .object(
    { ...ProvisionRequestSchema.shape, customerInfo: CustomerInfoSchema.optional() },
    { error: 'must be a JSON object' },
  )
  .refine(requirePhoneOrExtension.check, requirePhoneOrExtension.options)
  .meta({ id: 'OrderSubscriber' });

export const OrderSchema = z
  .object(
    {
      orderId: z
        .string({ error: 'must be a string' })
        .regex(ORDER_ID_PATTERN, { error: 'must be 1 to 80 letters, digits, - or _' }),
      subscriber: OrderSubscriberSchema,
      options: OrderOptionsSchema.optional(),
    },
    { error: 'must be a JSON object' },
  )
  .meta({ id: 'Order' });
export type Order = z.infer<typeof OrderSchema>;
