import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/catalog/routes';
import { WORKFLOW_TASKS } from '../../functions/catalog/workflow-tasks';
import type { ServiceFunction } from '../../infra/constructs/service-function';
import { logicalIdOf, resourcesOfType, type SynthesizedStack, synthesizeStack } from './support';

/** One permission, with resources named by role instead of logical ids. */
interface Permission {
  actions: string[];
  resources: string[];
}

let synth: SynthesizedStack;
let names: Map<string, string>;

beforeAll(() => {
  synth = synthesizeStack();
  const { stack } = synth;
  const id = (construct: IConstruct) => logicalIdOf(stack, construct);
  const sm = id(stack.workflow.stateMachine);
  names = new Map([
    [`<${id(stack.auditTable.table)}.Arn>`, 'auditTable'],
    [`<${id(stack.credentials.tokenSecret)}>`, 'partnerTokenSecret'],
    [`<${id(stack.credentials.digestSecret)}>`, 'auditDigestSecret'],
    [`<${sm}>`, 'stateMachine'],
    [`<${id(stack.credentials.refreshFailures)}.Arn>`, 'refreshFailuresQueue'],
    [`<${id(stack.auditTable.table)}.StreamArn>`, 'auditTableStream'],
    [`<${id(stack.trackingOutbox.deadLetters)}.Arn>`, 'trackingOutboxDeadLetters'],
    [`<${id(stack.batchTable.table)}.Arn>`, 'batchTable'],
    [`<${id(stack.batchWorkflow.stateMachine)}>`, 'batchStateMachine'],
    [`<${id(stack.webexState.table)}.Arn>`, 'webexStateTable'],
    [`<${id(stack.statusSweeper.failures)}.Arn>`, 'sweepFailuresQueue'],
  ]);
  for (const index of ['bySubscriber', 'byOrder', 'byDay']) {
    names.set(`<${id(stack.auditTable.table)}.Arn>/index/${index}`, `auditTable/index/${index}`);
  }
});

/** A resource, rendered readable: `auditTable`, `auditTable/index/byOrder`, `stateMachineExecutions`, `ownLogGroup`… */
function nameOf(resource: unknown, fn: ServiceFunction | undefined): string {
  const flat = flattenCfnReference(resource);
  if (fn !== undefined && flat === `<${logicalIdOf(synth.stack, fn.logGroup)}.Arn>`) return 'ownLogGroup';
  const sm = logicalIdOf(synth.stack, synth.stack.workflow.stateMachine);
  if (
    /^arn:<AWS::Partition>:states:(<AWS::Region>|[a-z0-9-]+):(<AWS::AccountId>|\d{12}):execution:/.test(flat) &&
    flat.endsWith(`:<${sm}.Name>:*`)
  ) {
    return 'stateMachineExecutions';
  }
  return names.get(flat) ?? flat;
}

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}

/** Every IAM policy of the template: the roles it is attached to and its statements. */
function policies(): { roles: string[]; statements: Statement[] }[] {
  return Object.values(resourcesOfType(synth.template, 'AWS::IAM::Policy')).map((p) => {
    const props = (p.Properties ?? {}) as { Roles?: { Ref: string }[]; PolicyDocument?: { Statement?: Statement[] } };
    return { roles: (props.Roles ?? []).map((r) => r.Ref), statements: props.PolicyDocument?.Statement ?? [] };
  });
}

function policyStatements(roleLogicalId: string): Statement[] {
  return policies()
    .filter((p) => p.roles.includes(roleLogicalId))
    .flatMap((p) => p.statements);
}

/** The permissions of one function's role, normalized and sorted. */
function permissionsOf(fn: ServiceFunction): Permission[] {
  return policyStatements(logicalIdOf(synth.stack, fn.role))
    .map((s) => {
      expect(s.Effect).toBe('Allow');
      const actions = (Array.isArray(s.Action) ? s.Action : [s.Action]).slice().sort();
      const resources = (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map((r) => nameOf(r, fn)).sort();
      return { actions, resources };
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function sorted(permissions: Permission[]): Permission[] {
  return permissions
    .map((p) => ({ actions: p.actions.slice().sort(), resources: p.resources.slice().sort() }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const LOGS: Permission = { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: ['ownLogGroup'] };
const XRAY: Permission = { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resources: ['*'] };
const READ_TOKEN: Permission = { actions: ['secretsmanager:GetSecretValue'], resources: ['partnerTokenSecret'] };
const READ_DIGEST: Permission = { actions: ['secretsmanager:GetSecretValue'], resources: ['auditDigestSecret'] };
const APPEND_AUDIT: Permission = { actions: ['dynamodb:PutItem'], resources: ['auditTable'] };
const READ_AUDIT_RECORD: Permission = { actions: ['dynamodb:GetItem'], resources: ['auditTable'] };
/** Every function that calls Webex draws on the shared token bucket in the Webex state table. */
const PACE: Permission = { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: ['webexStateTable'] };
const READ_STATUS_RECORDS: Permission = {
  actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
  resources: ['webexStateTable'],
};
const PACING_VARIABLES = ['WEBEX_RATE_LIMIT_PER_SECOND', 'WEBEX_STATE_TABLE_NAME'];
const START: Permission = { actions: ['states:StartExecution'], resources: ['stateMachine'] };
const DESCRIBE: Permission = { actions: ['states:DescribeExecution'], resources: ['stateMachineExecutions'] };
const READ_BATCHES: Permission = { actions: ['dynamodb:GetItem', 'dynamodb:Query'], resources: ['batchTable'] };
const WRITE_BATCHES: Permission = {
  actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
  resources: ['batchTable'],
};
const START_BATCH: Permission = { actions: ['states:StartExecution'], resources: ['batchStateMachine'] };
const queryIndex = (index: string): Permission => ({
  actions: ['dynamodb:Query'],
  resources: [`auditTable/index/${index}`],
});

/** The specification: what each route's function may do beyond writing its logs and traces. */
const EXPECTED_ROUTE_PERMISSIONS: Record<string, Permission[]> = {
  listSubscribers: [READ_TOKEN, PACE],
  getSubscriber: [READ_TOKEN, PACE],
  // Provision and Update follow the subscriber through the audit stream (the tracking outbox), not StartExecution.
  provisionSubscriber: [READ_TOKEN, PACE, READ_DIGEST, APPEND_AUDIT],
  updateSubscriber: [READ_TOKEN, PACE, READ_DIGEST, APPEND_AUDIT],
  precheckSubscriber: [READ_TOKEN, PACE, READ_DIGEST, APPEND_AUDIT],
  removeSubscriber: [READ_TOKEN, PACE, READ_DIGEST, APPEND_AUDIT],
  resendConsent: [READ_TOKEN, PACE, READ_DIGEST, APPEND_AUDIT],
  listSubscriberAudit: [queryIndex('bySubscriber')],
  submitOrder: [START, DESCRIBE, READ_DIGEST, APPEND_AUDIT],
  getOrder: [DESCRIBE, queryIndex('byOrder')],
  retryOrder: [START, DESCRIBE, APPEND_AUDIT],
  listOrders: [{ actions: ['dynamodb:Query'], resources: ['auditTable/index/byDay', 'auditTable/index/byOrder'] }],
  submitBatch: [WRITE_BATCHES, START_BATCH],
  getBatch: [READ_BATCHES],
  getBatchReport: [READ_BATCHES],
  getOpenApiDocument: [],
  getApiDocs: [],
  getConsole: [],
};

/** The specification: the variables each route's function gets beyond NODE_OPTIONS and LOG_LEVEL. */
const EXPECTED_ROUTE_VARIABLES: Record<string, string[]> = {
  listSubscribers: ['PARTNER_TOKEN_SECRET_ID', 'WEBEX_BASE_URL', ...PACING_VARIABLES].sort(),
  getSubscriber: ['PARTNER_TOKEN_SECRET_ID', 'WEBEX_BASE_URL', ...PACING_VARIABLES].sort(),
  provisionSubscriber: [
    'AUDIT_DIGEST_SECRET_ID',
    'AUDIT_RETENTION_DAYS',
    'AUDIT_TABLE_NAME',
    'PARTNER_TOKEN_SECRET_ID',
    'WEBEX_BASE_URL',
    ...PACING_VARIABLES,
  ].sort(),
  updateSubscriber: [
    'AUDIT_DIGEST_SECRET_ID',
    'AUDIT_RETENTION_DAYS',
    'AUDIT_TABLE_NAME',
    'PARTNER_TOKEN_SECRET_ID',
    'WEBEX_BASE_URL',
    ...PACING_VARIABLES,
  ].sort(),
  precheckSubscriber: [
    'AUDIT_DIGEST_SECRET_ID',
    'AUDIT_RETENTION_DAYS',
    'AUDIT_TABLE_NAME',
    'PARTNER_TOKEN_SECRET_ID',
    'WEBEX_BASE_URL',
    ...PACING_VARIABLES,
  ].sort(),
  removeSubscriber: [
    'AUDIT_DIGEST_SECRET_ID',
    'AUDIT_RETENTION_DAYS',
    'AUDIT_TABLE_NAME',
    'PARTNER_TOKEN_SECRET_ID',
    'WEBEX_BASE_URL',
    ...PACING_VARIABLES,
  ].sort(),
  resendConsent: [
    'AUDIT_DIGEST_SECRET_ID',
    'AUDIT_RETENTION_DAYS',
    'AUDIT_TABLE_NAME',
    'PARTNER_TOKEN_SECRET_ID',
    'WEBEX_BASE_URL',
    ...PACING_VARIABLES,
  ].sort(),
  listSubscriberAudit: ['AUDIT_TABLE_NAME'],
  submitOrder: ['AUDIT_DIGEST_SECRET_ID', 'AUDIT_RETENTION_DAYS', 'AUDIT_TABLE_NAME', 'STATE_MACHINE_ARN'],
  getOrder: ['AUDIT_TABLE_NAME', 'STATE_MACHINE_ARN'],
  retryOrder: ['AUDIT_RETENTION_DAYS', 'AUDIT_TABLE_NAME', 'STATE_MACHINE_ARN'],
  listOrders: ['AUDIT_TABLE_NAME'],
  submitBatch: ['BATCH_STATE_MACHINE_ARN', 'BATCH_TABLE_NAME'],
  getBatch: ['BATCH_TABLE_NAME'],
  getBatchReport: ['BATCH_TABLE_NAME'],
  getOpenApiDocument: ['JWT_ISSUER'],
  getApiDocs: ['JWT_ISSUER'],
  // The console's page names the issuer it signs in at and its OAuth client; it reads nothing itself.
  getConsole: ['CONSOLE_CLIENT_ID', 'JWT_ISSUER'],
};

function variablesOf(fn: ServiceFunction): string[] {
  const props = resourcesOfType(synth.template, 'AWS::Lambda::Function')[logicalIdOf(synth.stack, fn.function)]
    ?.Properties as { Environment: { Variables: Record<string, unknown> } };
  return Object.keys(props.Environment.Variables)
    .filter((name) => name !== 'NODE_OPTIONS' && name !== 'LOG_LEVEL')
    .sort();
}

function routeFunction(operationId: string): ServiceFunction {
  const fn = synth.stack.routeFunctions.get(operationId);
  if (fn === undefined) throw new Error(`no function for ${operationId}`);
  return fn;
}

describe('least privilege: API functions', () => {
  it('has a specification for every route', () => {
    // Act / Assess
    expect(Object.keys(EXPECTED_ROUTE_PERMISSIONS).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  for (const route of ROUTES) {
    it(`${route.operationId}: exactly its own logs, traces and what the operation uses`, () => {
      // Prepare
      const expected = sorted([LOGS, XRAY, ...(EXPECTED_ROUTE_PERMISSIONS[route.operationId] ?? [])]);

      // Act
      const actual = permissionsOf(routeFunction(route.operationId));

      // Assess
      expect(actual).toEqual(expected);
    });

    it(`${route.operationId}: gets exactly the variables naming the resources it may use`, () => {
      // Act
      const variables = variablesOf(routeFunction(route.operationId));

      // Assess
      expect(variables).toEqual(EXPECTED_ROUTE_VARIABLES[route.operationId]);
    });
  }
});

describe('least privilege: workflow tasks and the token refresh', () => {
  // Tasks that never call Webex: they validate, start following a subscriber or record a failure.
  const auditOnlyTasks = ['validateOrder', 'startTracking', 'recordFailure'];
  /** Beyond what every audit-only task gets: startTracking reads the API call's record it follows. */
  const extra: Record<string, Permission[]> = { startTracking: [READ_AUDIT_RECORD] };

  /** Tasks that may adopt a subscriber read a retried order's provision marker. */
  const adopting = ['precheck', 'provision', 'checkStatus'];

  for (const task of WORKFLOW_TASKS.filter((t) => !auditOnlyTasks.includes(t.name))) {
    it(`task ${task.name}: appends audit records, reads the token, the digest key and the sweeper's records, paces its Webex calls`, () => {
      // Prepare
      const fn = synth.stack.taskFunctions.get(task.name);
      if (fn === undefined) throw new Error(task.name);

      // Act
      const actual = permissionsOf(fn);

      // Assess
      const marker = adopting.includes(task.name) ? [READ_AUDIT_RECORD] : [];
      expect(actual).toEqual(
        sorted([LOGS, XRAY, READ_TOKEN, READ_DIGEST, APPEND_AUDIT, PACE, READ_STATUS_RECORDS, ...marker]),
      );
      expect(variablesOf(fn)).toEqual(
        [
          'AUDIT_DIGEST_SECRET_ID',
          'AUDIT_RETENTION_DAYS',
          'AUDIT_TABLE_NAME',
          'PARTNER_TOKEN_SECRET_ID',
          'WEBEX_BASE_URL',
          ...PACING_VARIABLES,
        ].sort(),
      );
    });
  }

  for (const name of auditOnlyTasks) {
    it(`task ${name}: appends audit records and reads the digest key, but never the partner token`, () => {
      // Prepare
      const fn = synth.stack.taskFunctions.get(name);
      if (fn === undefined) throw new Error(name);

      // Act
      const actual = permissionsOf(fn);

      // Assess
      expect(actual).toEqual(sorted([LOGS, XRAY, READ_DIGEST, APPEND_AUDIT, ...(extra[name] ?? [])]));
      expect(variablesOf(fn)).toEqual(['AUDIT_DIGEST_SECRET_ID', 'AUDIT_RETENTION_DAYS', 'AUDIT_TABLE_NAME']);
    });
  }

  it('the refresh function reads and writes the token secret and reports failures to its queue, nothing else', () => {
    // Act
    const actual = permissionsOf(synth.stack.credentials.refresh);

    // Assess
    expect(actual).toEqual(
      sorted([
        LOGS,
        XRAY,
        {
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
          resources: ['partnerTokenSecret'],
        },
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: ['refreshFailuresQueue'],
        },
      ]),
    );
  });

  it('the audit stream consumer reads the stream, starts executions and reports failures to its queue, nothing else', () => {
    // Act
    const actual = permissionsOf(synth.stack.trackingOutbox.consumer);

    // Assess
    expect(actual).toEqual(
      sorted([
        LOGS,
        XRAY,
        START,
        { actions: ['dynamodb:ListStreams'], resources: ['*'] },
        {
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: ['auditTableStream'],
        },
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: ['trackingOutboxDeadLetters'],
        },
      ]),
    );
    expect(variablesOf(synth.stack.trackingOutbox.consumer)).toEqual(['STATE_MACHINE_ARN']);
  });

  it('the batch chunk task reads and writes batches, starts and describes orders, nothing else', () => {
    // Act
    const fn = synth.stack.batchTaskFunctions.get('startBatchChunk') as ServiceFunction;

    // Assess
    expect(permissionsOf(fn)).toEqual(sorted([LOGS, XRAY, WRITE_BATCHES, START, DESCRIBE]));
    expect(variablesOf(fn)).toEqual(['BATCH_START_RATE_PER_SECOND', 'BATCH_TABLE_NAME', 'STATE_MACHINE_ARN']);
  });

  it('the order outcome recorder reads and writes batches, nothing else', () => {
    // Act
    const actual = permissionsOf(synth.stack.outcomeRecorder);

    // Assess
    expect(actual).toEqual(sorted([LOGS, XRAY, WRITE_BATCHES]));
    expect(variablesOf(synth.stack.outcomeRecorder)).toEqual(['BATCH_TABLE_NAME']);
  });

  it('the batch state machine may invoke the batch task functions and nothing else', () => {
    // Prepare
    const role = synth.stack.batchWorkflow.stateMachine.role;
    const taskArns = new Set(
      [...synth.stack.batchTaskFunctions.values()].flatMap((fn) => {
        const id = logicalIdOf(synth.stack, fn.function);
        return [`<${id}.Arn>`, `<${id}.Arn>:*`];
      }),
    );

    // Act
    const statements = policyStatements(logicalIdOf(synth.stack, role));
    const invoke = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));

    // Assess
    expect(statements.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith('states:'))).toEqual([]);
    const invoked = new Set(invoke.flatMap((s) => [s.Resource].flat().map((r) => flattenCfnReference(r))));
    expect(invoked).toEqual(taskArns);
  });

  it('the state machine may invoke the workflow task functions and nothing else', () => {
    // Prepare
    const role = synth.stack.workflow.stateMachine.role;
    const taskArns = new Set(
      [...synth.stack.taskFunctions.values()].flatMap((fn) => {
        const id = logicalIdOf(synth.stack, fn.function);
        return [`<${id}.Arn>`, `<${id}.Arn>:*`];
      }),
    );

    // Act
    const statements = policyStatements(logicalIdOf(synth.stack, role));
    const invoke = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('lambda:')));

    // Assess
    expect(invoke.flatMap((s) => [s.Action].flat()).every((a) => a === 'lambda:InvokeFunction')).toBe(true);
    const invoked = new Set(invoke.flatMap((s) => [s.Resource].flat().map((r) => flattenCfnReference(r))));
    expect(invoked).toEqual(taskArns);
  });
});

describe('least privilege: the whole stack', () => {
  function everyStatement(): Statement[] {
    return policies().flatMap((p) => p.statements);
  }

  it('grants no DeleteItem, UpdateItem, batch writes, transactions or scans on the audit table to anyone', () => {
    // Act
    const stateTable = `<${logicalIdOf(synth.stack, synth.stack.webexState.table)}.Arn>`;
    const onStateTable = (s: Statement) =>
      [s.Resource].flat().every((r) => JSON.stringify(r).includes(stateTable.slice(1, -5)));
    const dynamoActions = everyStatement()
      .filter((s) => !onStateTable(s))
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('dynamodb:'));
    const stateActions = everyStatement()
      .filter(onStateTable)
      .flatMap((s) => [s.Action].flat());

    // Assess: writes, reads and queries, plus the stream consumer's reading of the stream.
    expect(new Set(dynamoActions)).toEqual(
      new Set([
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:ListStreams',
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
      ]),
    );
    // The Webex state table (the token bucket, the sweeper's records) is updated in place, never deleted from.
    expect(new Set(stateActions)).toEqual(
      new Set(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem']),
    );
  });

  it('the status sweeper lists Webex and writes its records, nothing else (no audit access)', () => {
    // Act
    const fn = synth.stack.statusSweeper.sweeper;

    // Assess
    expect(permissionsOf(fn)).toEqual(
      sorted([
        LOGS,
        XRAY,
        READ_TOKEN,
        PACE,
        {
          actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: ['webexStateTable'],
        },
        // CDK's on-failure destination grant
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: ['sweepFailuresQueue'],
        },
      ]),
    );
  });

  it('uses no wildcard action anywhere', () => {
    // Act
    const wildcards = everyStatement()
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.includes('*') && a !== 'kms:GenerateDataKey*');

    // Assess
    expect(wildcards).toEqual([]);
  });

  it('lets only the refresh function write the partner token', () => {
    // Prepare
    const refreshRole = logicalIdOf(synth.stack, synth.stack.credentials.refresh.role);

    // Act
    const writers = policies()
      .filter((p) =>
        p.statements.some((s) =>
          [s.Action].flat().some((a) => a.startsWith('secretsmanager:') && a !== 'secretsmanager:GetSecretValue'),
        ),
      )
      .flatMap((p) => p.roles);

    // Assess
    expect(writers).toEqual([refreshRole]);
  });

  it('uses no AWS managed policy (each role has inline, exact statements)', () => {
    // Act
    const roles = Object.values(resourcesOfType(synth.template, 'AWS::IAM::Role'));

    // Assess
    for (const role of roles) expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });
});
