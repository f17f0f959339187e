/**
 * The Webex partner credentials and their upkeep: the token secret (loaded by an operator), the audit digest key (generated),
 * and the daily refresh function — the only principal allowed to write the token secret.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag';
import { deadLetterQueue } from './dead-letter-queue';
import { ServiceFunction } from './service-function';

export const REFRESH_FUNCTION_ENTRY = 'functions/scheduled/refresh-partner-token.ts';

/** Daily at 03:17 UTC (off the hour, away from everybody else's cron jobs). Webex access tokens live 14 days. */
export const REFRESH_SCHEDULE = events.Schedule.cron({ minute: '17', hour: '3' });

/**
 * The shape an operator loads into the token secret (see the README's Deploy section). The stack creates the secret with
 * this shape, empty values and a generated `placeholder`, so nothing usable exists until the operator loads real values.
 */
export const PARTNER_TOKEN_TEMPLATE = {
  accessToken: '',
  accessTokenExpiresAt: '1970-01-01T00:00:00.000Z',
  refreshToken: '',
  refreshTokenExpiresAt: '1970-01-01T00:00:00.000Z',
  clientId: '',
  clientSecret: '',
} as const;

export interface PartnerCredentialsProps {
  readonly webexBaseUrl: string;
  readonly logRetentionDays: number;
  readonly logLevel: string;
  readonly skipBundling?: boolean;
}

export class PartnerCredentials extends Construct {
  readonly tokenSecret: secretsmanager.Secret;
  readonly digestSecret: secretsmanager.Secret;
  readonly refresh: ServiceFunction;
  readonly refreshFailures: sqs.Queue;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: PartnerCredentialsProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;

    this.tokenSecret = new secretsmanager.Secret(this, 'PartnerToken', {
      secretName: `${stackName}/webex-partner-token`,
      description:
        'Webex partner OAuth tokens (JSON: accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, ' +
        'clientId, clientSecret). Loaded by an operator; refreshed daily by the refresh function.',
      generateSecretString: {
        secretStringTemplate: JSON.stringify(PARTNER_TOKEN_TEMPLATE),
        generateStringKey: 'placeholder',
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.tokenSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated by a Secrets Manager rotation Lambda: the refresh function renews the Webex access token daily ' +
        '(and stores a rotated refresh token when Webex issues one); the OAuth client secret is rotated in Webex.',
    });

    this.digestSecret = new secretsmanager.Secret(this, 'AuditDigestKey', {
      secretName: `${stackName}/audit-digest-key`,
      description: 'HMAC key for the digests of personal values in the audit trail. Generated; never rotate it.',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.digestSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        'The audit digest key must stay stable: rotating it would make the digests of existing audit records ' +
        'incomparable with new ones (no way to tell whether a personal value changed).',
    });

    this.refreshFailures = deadLetterQueue(
      this,
      'RefreshFailures',
      'the token refresh (EventBridge target DLQ and Lambda on-failure destination)',
    );

    this.refresh = new ServiceFunction(this, 'RefreshPartnerToken', {
      entry: REFRESH_FUNCTION_ENTRY,
      role: 'scheduled',
      description: 'Refreshes the Webex partner access token (daily) and stores the result in the token secret',
      environment: {
        PARTNER_TOKEN_SECRET_ID: this.tokenSecret.secretArn,
        WEBEX_BASE_URL: props.webexBaseUrl,
      },
      logRetentionDays: props.logRetentionDays,
      logLevel: props.logLevel,
      skipBundling: props.skipBundling,
      // Two refreshes at once could each rotate the refresh token and store a stale one.
      reservedConcurrentExecutions: 1,
      onFailure: new SqsDestination(this.refreshFailures),
      retryAttempts: 2,
    });
    // The only principal that may write the token secret. Exact actions: no DescribeSecret, no rotation.
    this.refresh.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadWritePartnerToken',
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
        resources: [this.tokenSecret.secretArn],
      }),
    );

    this.schedule = new events.Rule(this, 'RefreshSchedule', {
      description: 'Daily Webex partner token refresh',
      schedule: REFRESH_SCHEDULE,
      targets: [
        new targets.LambdaFunction(this.refresh.function, {
          deadLetterQueue: this.refreshFailures,
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
  }
}
