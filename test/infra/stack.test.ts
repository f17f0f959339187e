import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_FILTER } from '../../functions/adapters/dynamodb/audit-outbox';
import { AUDIT_TABLE } from '../../functions/adapters/dynamodb/audit-table';
import { BATCH_TASKS } from '../../functions/catalog/batch-tasks';
import { ROUTES, SCOPES } from '../../functions/catalog/routes';
import { WORKFLOW_TASKS } from '../../functions/catalog/workflow-tasks';
import { ACCESS_LOG_FIELDS } from '../../infra/constructs/http-api';
import { TOKEN_METRIC_DIMENSIONS, TOKEN_METRICS } from '../../infra/constructs/monitoring';
import { PARTNER_TOKEN_TEMPLATE, REFRESH_FUNCTION_ENTRY } from '../../infra/constructs/partner-token';
import { FOLLOW_STREAM_SETTINGS, FOLLOW_SUBSCRIBERS_ENTRY } from '../../infra/constructs/tracking-outbox';
import { REPO_ROOT } from '../../infra/paths';
import { WORKFLOW_TIMEOUT } from '../../infra/workflow/provisioning-workflow';
import { captureEmf } from '../support/emf';
import { flattenJoin, logicalIdOf, resourcesOfType, type SynthesizedStack, synthesizeStack } from './support';

let synth: SynthesizedStack;

beforeAll(() => {
  synth = synthesizeStack();
});

function functionProps(logicalId: string): Record<string, unknown> {
  const fn = resourcesOfType(synth.template, 'AWS::Lambda::Function')[logicalId];
  if (fn?.Properties === undefined) throw new Error(`no function ${logicalId}`);
  return fn.Properties;
}

describe('the provisioning stack: functions', () => {
  it('finds every handler entry it deploys (a bundling synth would fail on a missing one)', () => {
    // Prepare
    const entries = [
      ...ROUTES.map((r) => r.entry),
      ...WORKFLOW_TASKS.map((t) => t.entry),
      REFRESH_FUNCTION_ENTRY,
      FOLLOW_SUBSCRIBERS_ENTRY,
    ];

    // Act
    const missing = entries.filter((entry) => !existsSync(join(REPO_ROOT, entry)));

    // Assess
    expect(missing).toEqual([]);
  });

  it('has one function per route, per workflow and batch task, plus the token refresh, the audit stream consumer, the order outcome recorder and the status sweeper', () => {
    // Prepare
    const expected = ROUTES.length + WORKFLOW_TASKS.length + BATCH_TASKS.length + 4;

    // Act
    const functions = resourcesOfType(synth.template, 'AWS::Lambda::Function');

    // Assess
    expect(Object.keys(functions)).toHaveLength(expected);
    expect([...synth.stack.routeFunctions.keys()].sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
    expect([...synth.stack.taskFunctions.keys()].sort()).toEqual(WORKFLOW_TASKS.map((t) => t.name).sort());
    expect([...synth.stack.batchTaskFunctions.keys()].sort()).toEqual(BATCH_TASKS.map((t) => t.name).sort());
  });

  it('runs every function on Node.js 24, arm64, with Active tracing, source maps and its log level', () => {
    // Prepare
    const functions = Object.values(resourcesOfType(synth.template, 'AWS::Lambda::Function'));

    // Act
    const settings = functions.map((fn) => {
      const props = fn.Properties as {
        Runtime: string;
        Architectures: string[];
        TracingConfig: { Mode: string };
        Environment: { Variables: Record<string, unknown> };
      };
      return {
        runtime: props.Runtime,
        architectures: props.Architectures,
        tracing: props.TracingConfig.Mode,
        nodeOptions: props.Environment.Variables.NODE_OPTIONS,
        logLevel: props.Environment.Variables.LOG_LEVEL,
      };
    });

    // Assess
    for (const s of settings) {
      expect(s).toEqual({
        runtime: 'nodejs24.x',
        architectures: ['arm64'],
        tracing: 'Active',
        nodeOptions: '--enable-source-maps',
        logLevel: 'info',
      });
    }
  });

  it('gives every function its own log group with the configured retention', () => {
    // Prepare
    const logGroups = resourcesOfType(synth.template, 'AWS::Logs::LogGroup');
    const functions = Object.values(resourcesOfType(synth.template, 'AWS::Lambda::Function'));

    // Act
    const groupIds = functions.map(
      (fn) => (fn.Properties as { LoggingConfig: { LogGroup: { Ref: string } } }).LoggingConfig.LogGroup.Ref,
    );

    // Assess
    expect(new Set(groupIds).size).toBe(functions.length);
    for (const id of groupIds) expect(logGroups[id]?.Properties?.RetentionInDays).toBe(90);
  });

  it('sizes functions by role: API under the gateway limit, docs small, tasks below the task timeout', () => {
    // Prepare
    const { stack } = synth;

    // Act
    const sizing = (fn: Parameters<typeof logicalIdOf>[1]) => {
      const props = functionProps(logicalIdOf(stack, fn));
      return { memory: props.MemorySize, timeout: props.Timeout };
    };

    // Assess
    for (const route of ROUTES) {
      const fn = stack.routeFunctions.get(route.operationId)?.function;
      if (fn === undefined) throw new Error(route.operationId);
      expect(sizing(fn)).toEqual(route.role === 'api' ? { memory: 512, timeout: 29 } : { memory: 256, timeout: 10 });
    }
    for (const fn of stack.taskFunctions.values()) expect(sizing(fn.function)).toEqual({ memory: 512, timeout: 30 });
    expect(sizing(stack.credentials.refresh.function)).toEqual({ memory: 256, timeout: 60 });
  });

  it('names each function after its operation or task in its description', () => {
    // Prepare
    const { stack } = synth;

    // Act
    const descriptions = ROUTES.map(
      (route) =>
        functionProps(logicalIdOf(stack, stack.routeFunctions.get(route.operationId)?.function ?? stack)).Description,
    );

    // Assess
    ROUTES.forEach((route, i) => {
      expect(descriptions[i]).toContain(`${route.method} ${route.path}`);
    });
  });
});

describe('the provisioning stack: HTTP API', () => {
  it('has one route per path of each route-table entry, each integrated with the function of its entry', () => {
    // Prepare
    const routes = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route'));
    const integrations = resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Integration');
    const expected = ROUTES.flatMap((route) =>
      [route.path, ...(route.alsoServes ?? [])].map((path) => ({ route, key: `${route.method} ${path}` })),
    );

    // Act
    const keys = routes.map((r) => r.Properties?.RouteKey);

    // Assess
    expect(keys.sort()).toEqual(expected.map((e) => e.key).sort());
    for (const { route, key } of expected) {
      const cfnRoute = routes.find((r) => r.Properties?.RouteKey === key);
      const target = cfnRoute?.Properties?.Target as { 'Fn::Join': [string, [string, { Ref: string }]] };
      const integration = integrations[target['Fn::Join'][1][1].Ref];
      const fnLogicalId = logicalIdOf(
        synth.stack,
        synth.stack.routeFunctions.get(route.operationId)?.function ?? synth.stack,
      );
      expect(integration?.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fnLogicalId, 'Arn'] },
      });
    }
  });

  it('protects every data route with the JWT authorizer and its Webex scope; docs routes are public', () => {
    // Prepare
    const routes = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Route'));
    const authorizerId = Object.keys(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Authorizer'))[0];

    // Act
    const byKey = new Map(routes.map((r) => [r.Properties?.RouteKey, r.Properties]));

    // Assess
    for (const route of ROUTES) {
      const props = byKey.get(`${route.method} ${route.path}`);
      if (route.scope === null) {
        expect(props?.AuthorizationType ?? 'NONE').toBe('NONE');
        expect(props?.AuthorizerId).toBeUndefined();
      } else {
        expect(props).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
          AuthorizationScopes: [SCOPES[route.scope]],
        });
      }
    }
  });

  it('configures the JWT authorizer with the issuer and audience from context', () => {
    // Act / Assess
    synth.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: 'https://idp.example.com/', Audience: ['webex-bw-provisioning'] },
    });
  });

  it('throttles the default stage and writes JSON access logs with the request id, route, status and latency', () => {
    // Prepare
    const stage = Object.values(resourcesOfType(synth.template, 'AWS::ApiGatewayV2::Stage'))[0]?.Properties as {
      StageName: string;
      AutoDeploy: boolean;
      DefaultRouteSettings: Record<string, number>;
      AccessLogSettings: { Format: string; DestinationArn: { 'Fn::GetAtt': [string, string] } };
    };

    // Act
    const format = JSON.parse(stage.AccessLogSettings.Format) as Record<string, string>;

    // Assess
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(format).toEqual(ACCESS_LOG_FIELDS);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationErrorMessage: '$context.integrationErrorMessage',
    });
    const logGroup = resourcesOfType(synth.template, 'AWS::Logs::LogGroup')[
      stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0]
    ];
    expect(logGroup?.Properties?.RetentionInDays).toBe(90);
  });

  it('takes throttling limits from context', () => {
    // Prepare / Act
    const custom = synthesizeStack({ throttleRateLimit: '7', throttleBurstLimit: '11' });

    // Assess
    custom.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 11 },
    });
  });
});

describe('the provisioning stack: audit table', () => {
  it('is on-demand, encrypted, point-in-time recoverable, deletion protected and retained', () => {
    // Act / Assess: the audit table, the batch table and the Webex state table (coordination state only, see below)
    synth.template.resourceCountIs('AWS::DynamoDB::Table', 3);
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [{ AttributeName: AUDIT_TABLE.partitionKey.name, KeyType: 'HASH' }],
      }),
    });
    synth.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
  });

  it('has TTL enabled on the attribute every audit record carries', () => {
    // Act / Assess
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: AUDIT_TABLE.timeToLiveAttribute, Enabled: true },
    });
  });

  it('tells every function that appends audit records how many days they are kept (400 unless configured)', () => {
    // Prepare
    const appending = Object.values(resourcesOfType(synth.template, 'AWS::Lambda::Function'))
      .map((fn) => fn.Properties as { Environment?: { Variables?: Record<string, unknown> } })
      .filter((props) => props.Environment?.Variables?.AUDIT_TABLE_NAME !== undefined);
    const custom = synthesizeStack({ auditRetentionDays: '30' });

    // Act
    const retention = appending.map((props) => props.Environment?.Variables?.AUDIT_RETENTION_DAYS);

    // Assess
    expect(retention.filter((days) => days !== undefined).length).toBeGreaterThan(5);
    expect(new Set(retention.filter((days) => days !== undefined))).toEqual(new Set(['400']));
    custom.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ AUDIT_RETENTION_DAYS: '30' }) },
    });
  });

  it('keeps the Webex state table (token bucket, sweeper records) on demand, encrypted, with TTL, and without indexes', () => {
    // Act
    const table = resourcesOfType(synth.template, 'AWS::DynamoDB::Table')[
      logicalIdOf(synth.stack, synth.stack.webexState.table)
    ] as { Properties: Record<string, unknown> };

    // Assess
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    expect(table.Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('runs the status sweeper every minute', () => {
    // Act / Assess
    synth.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('has exactly the global secondary indexes of the audit table description', () => {
    // Prepare
    const table = resourcesOfType(synth.template, 'AWS::DynamoDB::Table')[
      logicalIdOf(synth.stack, synth.stack.auditTable.table)
    ]?.Properties as {
      GlobalSecondaryIndexes: unknown[];
    };

    // Act
    const expected = AUDIT_TABLE.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    }));

    // Assess
    expect(table.GlobalSecondaryIndexes).toEqual(expected);
  });
});

describe('the provisioning stack: tracking outbox (audit stream consumer)', () => {
  it('streams the new image of every audit item', () => {
    // Act / Assess
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('feeds the consumer only new items carrying a follow-up request, retrying and bisecting, then dead-lettering', () => {
    // Prepare
    const consumer = logicalIdOf(synth.stack, synth.stack.trackingOutbox.consumer.function);
    const queue = logicalIdOf(synth.stack, synth.stack.trackingOutbox.deadLetters);

    // Act
    const mappings = Object.values(resourcesOfType(synth.template, 'AWS::Lambda::EventSourceMapping')).map(
      (m) => m.Properties as Record<string, unknown>,
    );

    // Assess
    const streamMappings = mappings.filter((m) => JSON.stringify(m.FunctionName) === JSON.stringify({ Ref: consumer }));
    expect(streamMappings).toHaveLength(1);
    expect(streamMappings[0]).toMatchObject({
      FunctionName: { Ref: consumer },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: FOLLOW_STREAM_SETTINGS.retryAttempts,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(FOLLOW_FILTER) }] },
    });
  });

  it('alarms on the first dead-lettered batch', () => {
    // Prepare
    const queue = logicalIdOf(synth.stack, synth.stack.trackingOutbox.deadLetters);

    // Act
    const alarms = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as Record<string, unknown>)
      .filter(
        (p) => p.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(p.Dimensions).includes(queue),
      );

    // Assess
    expect(alarms).toEqual([
      expect.objectContaining({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    ]);
  });
});

describe('the provisioning stack: state machine', () => {
  it('is a STANDARD state machine with X-Ray tracing and ALL-level logs without execution data', () => {
    // Act / Assess
    // The provisioning workflow and the batch workflow.
    synth.template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    synth.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
    });
    synth.template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 90,
    });
  });

  it('times out after WORKFLOW_TIMEOUT and invokes the task functions of the stack', () => {
    // Prepare
    const machine = Object.values(resourcesOfType(synth.template, 'AWS::StepFunctions::StateMachine'))[0]
      ?.Properties as { DefinitionString: unknown };

    // Act
    const definition = JSON.parse(flattenJoin(machine.DefinitionString)) as { TimeoutSeconds: number };

    // Assess
    expect(definition.TimeoutSeconds).toBe(WORKFLOW_TIMEOUT.toSeconds());
    expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(7 * 24 * 3600);
  });

  it('exports the state machine ARN and the API URL for ordering systems', () => {
    // Act
    const outputs = synth.template.toJSON().Outputs as Record<string, { Export?: { Name: string }; Value: unknown }>;

    // Assess
    expect(outputs.StateMachineArn?.Export?.Name).toBe('WebexBwProvisioning-StateMachineArn');
    expect(outputs.StateMachineArn?.Value).toEqual({
      Ref: logicalIdOf(synth.stack, synth.stack.workflow.stateMachine),
    });
    expect(outputs.ApiUrl?.Export?.Name).toBe('WebexBwProvisioning-ApiUrl');
    expect(outputs.PartnerTokenSecretArn).toBeDefined();
  });
});

describe('the provisioning stack: partner token and its refresh', () => {
  it('creates the token secret with the documented shape and a generated placeholder, retained', () => {
    // Act / Assess
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Name: 'WebexBwProvisioning/webex-partner-token',
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: JSON.stringify(PARTNER_TOKEN_TEMPLATE),
          GenerateStringKey: 'placeholder',
        }),
      }),
    });
    expect(Object.keys(PARTNER_TOKEN_TEMPLATE).sort()).toEqual(
      [
        'accessToken',
        'accessTokenExpiresAt',
        'clientId',
        'clientSecret',
        'refreshToken',
        'refreshTokenExpiresAt',
      ].sort(),
    );
  });

  it('creates a generated audit digest key secret, retained', () => {
    // Act / Assess
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        Name: 'WebexBwProvisioning/audit-digest-key',
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
      }),
    });
  });

  it('runs the refresh daily from an EventBridge schedule with retries and a dead-letter queue', () => {
    // Prepare
    const refreshId = logicalIdOf(synth.stack, synth.stack.credentials.refresh.function);
    const queueId = logicalIdOf(synth.stack, synth.stack.credentials.refreshFailures);

    // Act / Assess
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(17 3 * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [refreshId, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: refreshId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('never runs two refreshes at once and tells the refresh where the token lives', () => {
    // Prepare
    const props = functionProps(logicalIdOf(synth.stack, synth.stack.credentials.refresh.function));

    // Act
    const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;

    // Assess
    expect(props.ReservedConcurrentExecutions).toBe(1);
    expect(variables).toEqual({
      NODE_OPTIONS: '--enable-source-maps',
      LOG_LEVEL: 'info',
      PARTNER_TOKEN_SECRET_ID: { Ref: logicalIdOf(synth.stack, synth.stack.credentials.tokenSecret) },
      WEBEX_BASE_URL: 'https://webexapis.com/v1',
    });
  });
});

describe('the provisioning stack: alarms and dashboard', () => {
  function alarmsOn(metricName: string, namespace: string): Record<string, unknown>[] {
    return Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as Record<string, unknown>)
      .filter((p) => p.MetricName === metricName && p.Namespace === namespace);
  }

  it('alarms on every function’s errors and throttles', () => {
    // Prepare
    const functionCount = ROUTES.length + WORKFLOW_TASKS.length + BATCH_TASKS.length + 4; // + the token refresh, the audit stream consumer, the outcome recorder and the sweeper

    // Act
    const errors = alarmsOn('Errors', 'AWS/Lambda');
    const throttles = alarmsOn('Throttles', 'AWS/Lambda');

    // Assess
    expect(errors).toHaveLength(functionCount);
    expect(throttles).toHaveLength(functionCount);
    for (const alarm of [...errors, ...throttles]) {
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('alarms on API 5xx and on timed-out workflow executions, never on a failed execution as such', () => {
    // Act / Assess
    expect(alarmsOn('5xx', 'AWS/ApiGateway')).toHaveLength(1);
    expect(alarmsOn('ExecutionsFailed', 'AWS/States')).toHaveLength(0);
    expect(alarmsOn('ExecutionsTimedOut', 'AWS/States')).toHaveLength(1);
  });

  it('pages on a failed or timed-out batch workflow execution (orders of the batch left unstarted)', () => {
    // Prepare
    const batchMachine = logicalIdOf(synth.stack, synth.stack.batchWorkflow.stateMachine);

    // Act
    const alarms = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as { Metrics?: Array<{ MetricStat?: { Metric?: { MetricName?: string } } }> })
      .filter((p) => JSON.stringify(p.Metrics ?? []).includes(batchMachine));
    const metricNames = alarms.flatMap((p) => (p.Metrics ?? []).map((m) => m.MetricStat?.Metric?.MetricName));

    // Assess
    expect(alarms).toEqual([expect.objectContaining({ Threshold: 1, AlarmActions: expect.any(Array) })]);
    expect(metricNames.filter(Boolean).sort()).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
  });

  it('pages on each system failure outcome, and on a rate of business failures, never on a single one', () => {
    // Prepare
    const alarms = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm')).map(
      (a) =>
        a.Properties as { AlarmName?: unknown; Metrics?: unknown[]; Threshold?: number; AlarmDescription?: string },
    );
    const outcomeAlarms = alarms.filter((a) => JSON.stringify(a.Metrics ?? []).includes('OrderOutcome'));
    const dimensionsOf = (a: (typeof alarms)[number]) => JSON.stringify(a.Metrics ?? []);

    // Assess: one alarm per system failure, threshold 1
    for (const error of ['UpstreamUnavailable', 'InternalError', 'ProvisioningTimedOut']) {
      const paging = outcomeAlarms.filter((a) => a.Threshold === 1 && dimensionsOf(a).includes(`"Value":"${error}"`));
      expect(paging).toHaveLength(1);
    }
    // No alarm pages on one business failure …
    for (const error of ['InvalidOrder', 'PrecheckFailed', 'ProvisioningFailed', 'SubscriberConflict']) {
      expect(outcomeAlarms.filter((a) => a.Threshold === 1 && dimensionsOf(a).includes(`"Value":"${error}"`))).toEqual(
        [],
      );
    }
    // … one alarm watches their share of all outcomes
    const rate = outcomeAlarms.filter((a) => dimensionsOf(a).includes('"Value":"InvalidOrder"'));
    expect(rate).toHaveLength(1);
    expect(rate[0]?.Threshold).toBe(20);
    expect(dimensionsOf(rate[0] as never)).toContain('IF(');
  });

  it("alarms on the audit table's throttling, the stream consumer's iterator age and the API's p99 latency", () => {
    // Act
    const latency = alarmsOn('Latency', 'AWS/ApiGateway');
    const iteratorAge = alarmsOn('IteratorAge', 'AWS/Lambda');
    const throttled = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as { Metrics?: Array<{ MetricStat?: { Metric?: { MetricName?: string } } }> })
      .filter((p) => p.Metrics?.some((m) => m.MetricStat?.Metric?.MetricName === 'ThrottledRequests'));

    // Assess
    expect(latency).toEqual([
      expect.objectContaining({ ExtendedStatistic: 'p99', Threshold: 3000, EvaluationPeriods: 3 }),
    ]);
    expect(iteratorAge).toEqual([expect.objectContaining({ Statistic: 'Maximum', Threshold: 300_000 })]);
    expect(throttled).toHaveLength(1);
  });

  it('alarms on the depth of every dead-letter queue the stack has', () => {
    // Prepare: every queue something sends its failures to (queue redrive, event source or Lambda destination, SNS).
    const withEmail = synthesizeStack({ alarmEmail: 'oncall@example.com' });
    const text = JSON.stringify(withEmail.template.toJSON().Resources);
    const queues = Object.keys(resourcesOfType(withEmail.template, 'AWS::SQS::Queue'));
    const deadLetterQueues = queues.filter((id) =>
      [
        new RegExp(`"deadLetterTargetArn":\\{"Fn::GetAtt":\\["${id}","Arn"\\]`),
        new RegExp(`"Destination":\\{"Fn::GetAtt":\\["${id}","Arn"\\]`),
        new RegExp(`"DeadLetterConfig":\\{"Arn":\\{"Fn::GetAtt":\\["${id}","Arn"\\]`),
      ].some((pattern) => pattern.test(text)),
    );

    // Act
    const alarmed = Object.values(resourcesOfType(withEmail.template, 'AWS::CloudWatch::Alarm'))
      .map((a) => a.Properties as { MetricName?: string; Dimensions?: Array<{ Value: unknown }> })
      .filter((p) => p.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((p) => JSON.stringify(p.Dimensions?.[0]?.Value));

    // Assess
    expect(deadLetterQueues.length).toBeGreaterThanOrEqual(3);
    for (const id of deadLetterQueues)
      expect(
        alarmed.some((value) => value.includes(`"${id}"`)),
        id,
      ).toBe(true);
  });

  it('watches exactly the metrics the refresh function emits', async () => {
    // Prepare
    const { METRIC_NAMES, METRIC_NAMESPACE, recordPartnerTokenRefresh, resetMetricsForTests } = await import(
      '../../functions/shared/metrics'
    );
    const emf = captureEmf(resetMetricsForTests);

    // Act
    recordPartnerTokenRefresh({ failed: true, daysRemaining: 3 });
    const [line] = emf.stop();

    // Assess
    expect(TOKEN_METRICS).toEqual({
      namespace: METRIC_NAMESPACE,
      refreshFailed: METRIC_NAMES.refreshFailed,
      refreshTokenDaysRemaining: METRIC_NAMES.refreshTokenDaysRemaining,
    });
    expect(line?._aws.CloudWatchMetrics[0]?.Namespace).toBe(TOKEN_METRICS.namespace);
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([Object.keys(TOKEN_METRIC_DIMENSIONS)]);
    expect(line).toMatchObject({
      ...TOKEN_METRIC_DIMENSIONS,
      PartnerTokenRefreshFailed: 1,
      RefreshTokenDaysRemaining: 3,
    });
  });

  it('alarms when the token refresh fails, stops running, or the refresh token nears expiry', () => {
    // Act
    const failed = alarmsOn('PartnerTokenRefreshFailed', 'WebexBwProvisioning');
    const daysRemaining = alarmsOn('RefreshTokenDaysRemaining', 'WebexBwProvisioning');
    const invocations = alarmsOn('Invocations', 'AWS/Lambda');
    const deadLetters = alarmsOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS').filter((a) =>
      JSON.stringify(a.Dimensions).includes(logicalIdOf(synth.stack, synth.stack.credentials.refreshFailures)),
    );

    // Assess
    expect(failed).toEqual([
      expect.objectContaining({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Maximum',
      }),
    ]);
    expect(daysRemaining).toEqual([
      expect.objectContaining({ Threshold: 14, ComparisonOperator: 'LessThanThreshold', Statistic: 'Minimum' }),
    ]);
    expect(invocations).toEqual([
      expect.objectContaining({ Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' }),
    ]);
    expect(deadLetters).toHaveLength(1);
  });

  it('sends every alarm to one KMS-encrypted topic', () => {
    // Prepare
    const topicId = logicalIdOf(synth.stack, synth.stack.monitoring.topic);
    const alarms = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Alarm'));

    // Act
    const actions = alarms.map((a) => (a.Properties as { AlarmActions: unknown[] }).AlarmActions);

    // Assess
    for (const list of actions) expect(list).toEqual([{ Ref: topicId }]);
    synth.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    synth.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('subscribes the alarm e-mail from context, with a redrive queue', () => {
    // Prepare / Act
    const withEmail = synthesizeStack({ alarmEmail: 'oncall@example.com' });

    // Assess
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('has a dashboard with API, workflow, Lambda and token widgets', () => {
    // Prepare
    const dashboard = Object.values(resourcesOfType(synth.template, 'AWS::CloudWatch::Dashboard'))[0]?.Properties as {
      DashboardBody: unknown;
    };

    // Act
    const body = flattenJoin(dashboard.DashboardBody);

    // Assess
    for (const title of [
      'API requests and errors',
      'API latency (ms)',
      'Workflow executions',
      'Lambda errors',
      'Lambda duration p99 (ms)',
      'Partner refresh token: days remaining',
    ]) {
      expect(body).toContain(`"title":"${title}"`);
    }
    expect(body).toContain('"RefreshTokenDaysRemaining"');
  });
});

describe('the provisioning stack: status polling', () => {
  let synth: SynthesizedStack;
  beforeAll(() => {
    synth = synthesizeStack();
  });

  it('polls in the state machine: Wait for status (SecondsPath) → Check status → routed back to the Wait', () => {
    // Act
    const [machine] = Object.values(resourcesOfType(synth.template, 'AWS::StepFunctions::StateMachine'));
    const definition = flattenJoin(
      (machine?.Properties as { DefinitionString?: unknown } | undefined)?.DefinitionString,
    );
    const states = (JSON.parse(definition) as { States: Record<string, Record<string, unknown>> }).States;

    // Assess
    expect(states['Wait for status']).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.waitSeconds',
      Next: 'Check status',
    });
    expect(states['Check status']).toMatchObject({ Type: 'Task', Next: 'Check status routed' });
    expect(states['Check status routed']).toMatchObject({ Type: 'Choice', Default: 'Wait for status' });
    // Nothing waits outside the history: no callback task, no queue for polls.
    expect(definition).not.toContain('waitForTaskToken');
    expect(Object.keys(resourcesOfType(synth.template, 'AWS::SQS::Queue')).join(',')).not.toMatch(/StatusPoll/);
    expect(Object.keys(resourcesOfType(synth.template, 'AWS::Lambda::EventSourceMapping')).join(',')).not.toMatch(
      /StatusPoll/,
    );
  });
});
