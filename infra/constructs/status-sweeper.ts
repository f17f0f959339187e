/**
 * The status sweeper in AWS: `functions/scheduled/sweep-status.ts`, invoked by EventBridge every minute (the shortest
 * rate EventBridge schedules). One invocation sweeps every `STATUS_SWEEP.intervalSeconds` for
 * `STATUS_SWEEP.invocationSeconds` (so the sweeps, not the invocations, set the detection delay) under the sweeper's
 * lease in the Webex state table; an invocation that finds the lease held ends at once. A missed or failed minute is
 * not retried (the next minute sweeps from the cursor); failures go to a dead-letter queue the stack alarms on.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STATUS_SWEEP } from '../../functions/domain/contract/rules';
import { deadLetterQueue } from './dead-letter-queue';
import { ServiceFunction } from './service-function';

export const STATUS_SWEEPER_ENTRY = 'functions/scheduled/sweep-status.ts';
export const SWEEP_SCHEDULE = events.Schedule.rate(Duration.minutes(1));

export interface StatusSweeperProps {
  readonly logRetentionDays: number;
  readonly logLevel: string;
  readonly skipBundling?: boolean | undefined;
}

export class StatusSweeper extends Construct {
  readonly sweeper: ServiceFunction;
  readonly failures: sqs.Queue;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: StatusSweeperProps) {
    super(scope, id);
    this.failures = deadLetterQueue(
      this,
      'SweepFailures',
      'the status sweeper (EventBridge target DLQ and on-failure)',
    );
    this.sweeper = new ServiceFunction(this, 'SweepStatus', {
      entry: STATUS_SWEEPER_ENTRY,
      role: 'scheduled',
      description: `Status sweeper: lists Webex status changes every ${STATUS_SWEEP.intervalSeconds} s, records each once`,
      // The loop's length plus the last sweep's margin.
      timeout: Duration.seconds(STATUS_SWEEP.invocationSeconds + 20),
      logRetentionDays: props.logRetentionDays,
      logLevel: props.logLevel,
      ...(props.skipBundling === undefined ? {} : { skipBundling: props.skipBundling }),
      onFailure: new SqsDestination(this.failures),
      retryAttempts: 0,
    });
    this.schedule = new events.Rule(this, 'SweepSchedule', {
      description: 'Status sweeper: one invocation a minute, each sweeping at the sweep interval',
      schedule: SWEEP_SCHEDULE,
      targets: [
        new targets.LambdaFunction(this.sweeper.function, {
          deadLetterQueue: this.failures,
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
  }
}
