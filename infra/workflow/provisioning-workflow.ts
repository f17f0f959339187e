/**
 * The provisioning workflow, defined once with CDK's Step Functions constructs (JSONPath). The stack deploys it; the
 * local Step Functions endpoint runs the ASL rendered from this same construct (`asl.ts`).
 *
 *   Route input ─ tracking? ─► Start tracking ─────────────────────────┐
 *        └─► Validate order ─► Precheck ─► Provision ─► Wait for status ◄┴──────────┐
 *                                                          │                         │ poll
 *                                                          └─► Check status ─► Check status routed ─► Provisioned
 *                                                                                    └─► Resend consent (once) ─┘
 *   Each task is followed by a Choice: `throttled` → a Wait of exactly Retry-After seconds → the same task again;
 *   `route: failed` → the Fail state named by `failure.error`. Transient errors are retried with backoff and jitter;
 *   once exhausted, the Catch records the failure and the execution ends in UpstreamUnavailable.
 *
 * The wait-and-poll loop is in the state machine: every status check is a `Wait for status` (SecondsPath
 * `$.waitSeconds`, from the poll policy) and a `Check status` Lambda task in the execution history. Timing lives in
 * the tasks (`functions/domain/workflow/poll-policy.ts` computes `waitSeconds`), not here.
 */
import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { WorkflowTaskName } from '../../functions/catalog/workflow-tasks';
import { FAILURES, type FailureName, WORKFLOW_LIMITS } from '../../functions/domain/workflow/state';
import { TRANSIENT_TASK_ERRORS } from '../../functions/domain/workflow/task-errors';

/** The state machine's overall timeout (Standard workflow: pending states wait on a person for days). */
export const WORKFLOW_TIMEOUT = Duration.seconds(WORKFLOW_LIMITS.workflowTimeoutSeconds);

/** Step Functions gives up on one task invocation after this long (States.Timeout, retried like a 5xx). */
export const TASK_TIMEOUT = Duration.seconds(60);

/** The task Lambdas' own timeout: below TASK_TIMEOUT, above one Webex call's budget plus the audit write. */
export const TASK_FUNCTION_TIMEOUT = Duration.seconds(30);

/**
 * Retries of transient errors (Webex 5xx/timeouts, audit writes, Lambda service errors): 2 s doubling to at most 5 min,
 * full jitter, 10 attempts — Webex may be down for about ten minutes before an order fails with UpstreamUnavailable.
 */
export const TRANSIENT_RETRY: sfn.RetryProps = {
  errors: [...TRANSIENT_TASK_ERRORS],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 10,
  maxDelay: Duration.minutes(5),
  jitterStrategy: sfn.JitterType.FULL,
};

/** Retries of anything else a task throws (a bug, a malformed state): twice, then InternalError. */
export const OTHER_ERROR_RETRY: sfn.RetryProps = {
  errors: [sfn.Errors.TASKS_FAILED],
  interval: Duration.seconds(1),
  backoffRate: 2,
  maxAttempts: 2,
  jitterStrategy: sfn.JitterType.FULL,
};

/** State names that other parts (tests, the order CLI, dashboards) may rely on. */
export const STATE_NAMES = {
  routeInput: 'Route input',
  validateOrder: 'Validate order',
  startTracking: 'Start tracking',
  precheck: 'Precheck',
  provision: 'Provision',
  waitForStatus: 'Wait for status',
  checkStatus: 'Check status',
  resendConsent: 'Resend consent',
  recordFailure: 'Record failure',
  provisioned: 'Provisioned',
  removed: 'Removed',
  failureKind: 'Failure kind',
} as const;

export interface ProvisioningDefinitionProps {
  tasks: Record<WorkflowTaskName, lambda.IFunction>;
}

export function buildProvisioningDefinition(scope: Construct, props: ProvisioningDefinitionProps): sfn.IChainable {
  const s = new Construct(scope, 'ProvisioningWorkflowDefinition');

  const startPayload = sfn.TaskInput.fromObject({
    input: sfn.JsonPath.entirePayload,
    executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
  });

  const invoke = (name: WorkflowTaskName, stateName: string, payload?: sfn.TaskInput) =>
    new tasks.LambdaInvoke(s, stateName, {
      lambdaFunction: props.tasks[name],
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(TASK_TIMEOUT),
      comment: `Task ${name}`,
      ...(payload ? { payload } : {}),
    });

  // Failures ---------------------------------------------------------------------------------------------------------
  const failStates = Object.fromEntries(
    FAILURES.map((error) => [
      error,
      new sfn.Fail(s, error, { error, causePath: '$.failure.cause', comment: `The execution ends with ${error}` }),
    ]),
  ) as Record<FailureName, sfn.Fail>;
  const failureKind = new sfn.Choice(s, STATE_NAMES.failureKind);
  for (const error of FAILURES) {
    if (error !== 'InternalError')
      failureKind.when(sfn.Condition.stringEquals('$.failure.error', error), failStates[error]);
  }
  failureKind.otherwise(failStates.InternalError);

  const unrecorded = new sfn.Pass(s, 'Unrecorded failure', {
    comment: 'The failure recorder itself failed: describe the failure without it',
    parameters: {
      unrecorded: {
        error: 'UpstreamUnavailable',
        orderId: sfn.JsonPath.stringAt('$$.Execution.Name'),
        detail: 'The failure could not be recorded in the audit trail.',
      },
    },
  });
  const describeUnrecorded = new sfn.Pass(s, 'Describe unrecorded failure', {
    parameters: {
      failure: {
        error: 'UpstreamUnavailable',
        cause: sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.unrecorded')),
      },
    },
  });
  unrecorded.next(describeUnrecorded).next(failStates.UpstreamUnavailable);

  const recordFailure = invoke(
    'recordFailure',
    STATE_NAMES.recordFailure,
    sfn.TaskInput.fromObject({
      state: sfn.JsonPath.entirePayload,
      executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
    }),
  );
  recordFailure.addRetry({ ...TRANSIENT_RETRY, maxAttempts: 3 });
  recordFailure.addCatch(unrecorded, { errors: [sfn.Errors.ALL], resultPath: sfn.JsonPath.DISCARD });
  recordFailure.next(failureKind);

  const guarded = (task: tasks.LambdaInvoke) => {
    task.addRetry(TRANSIENT_RETRY);
    task.addRetry(OTHER_ERROR_RETRY);
    task.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.caught' });
    return task;
  };
  const throttleWait = (stateName: string) =>
    new sfn.Wait(s, `${stateName} throttled`, {
      time: sfn.WaitTime.secondsPath('$.retryAfterSeconds'),
      comment: 'Webex answered 429/423: wait exactly Retry-After seconds, then the same task again',
    });
  const isThrottled = sfn.Condition.booleanEquals('$.throttled', true);
  const routeIs = (route: string) => sfn.Condition.stringEquals('$.route', route);

  // Tasks ------------------------------------------------------------------------------------------------------------
  const validateOrder = guarded(invoke('validateOrder', STATE_NAMES.validateOrder, startPayload));
  const startTracking = guarded(invoke('startTracking', STATE_NAMES.startTracking, startPayload));
  const precheck = guarded(invoke('precheck', STATE_NAMES.precheck));
  const provision = guarded(invoke('provision', STATE_NAMES.provision));
  const checkStatus = guarded(invoke('checkStatus', STATE_NAMES.checkStatus));
  const resendConsent = guarded(invoke('resendConsent', STATE_NAMES.resendConsent));

  const provisioned = new sfn.Succeed(s, STATE_NAMES.provisioned, {
    outputPath: '$.result',
    comment: 'The subscriber is provisioned; the output is {orderId, subscriber}',
  });
  const removed = new sfn.Succeed(s, STATE_NAMES.removed, {
    outputPath: '$.removed',
    comment:
      'Tracking only: the followed subscriber was removed (an API Remove); the output is {trackingId, subscriberId, removed}',
  });
  const waitForStatus = new sfn.Wait(s, STATE_NAMES.waitForStatus, {
    time: sfn.WaitTime.secondsPath('$.waitSeconds'),
    comment: 'waitSeconds comes from the poll policy: backoff while Webex works, slower while a person must act',
  });
  waitForStatus.next(checkStatus);

  // Routing after each task ---------------------------------------------------------------------------------------------
  const afterTask = (task: tasks.LambdaInvoke, stateName: string, routes: Array<[string, sfn.IChainable]>) => {
    const choice = new sfn.Choice(s, `${stateName} routed`);
    const wait = throttleWait(stateName);
    wait.next(task);
    choice.when(isThrottled, wait).when(routeIs('failed'), failureKind);
    for (const [route, next] of routes) choice.when(routeIs(route), next);
    task.next(choice);
    return choice;
  };

  const afterValidation = new sfn.Choice(s, 'Order valid?').when(routeIs('failed'), failureKind).otherwise(precheck);
  validateOrder.next(afterValidation);
  const afterTrackingStart = new sfn.Choice(s, 'Tracking valid?')
    .when(routeIs('failed'), failureKind)
    .otherwise(waitForStatus);
  startTracking.next(afterTrackingStart);

  afterTask(precheck, STATE_NAMES.precheck, []).otherwise(provision);
  const polling: Array<[string, sfn.IChainable]> = [
    ['succeeded', provisioned],
    ['resendConsent', resendConsent],
  ];
  afterTask(provision, STATE_NAMES.provision, polling).otherwise(waitForStatus);
  afterTask(checkStatus, STATE_NAMES.checkStatus, [...polling, ['removed', removed]]).otherwise(waitForStatus);
  afterTask(resendConsent, STATE_NAMES.resendConsent, [['succeeded', provisioned]]).otherwise(waitForStatus);

  return new sfn.Choice(s, STATE_NAMES.routeInput, {
    comment: 'API-originated tracking enters at the polling stage; anything else is an order',
  })
    .when(sfn.Condition.isPresent('$.tracking'), startTracking)
    .otherwise(validateOrder);
}
