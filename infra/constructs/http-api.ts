/**
 * The Webex-compatible API: an HTTP API whose routes are built FROM the route table, each with its own Lambda
 * integration, the JWT authorizer and the route's scope; access logs as JSON; default-stage throttling.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTES, type RouteDefinition, SCOPES } from '../../functions/catalog/routes';
import { acknowledge } from '../nag';

/** One JSON object per request; no body, no query string (list filters can carry e-mail addresses). */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integration.error',
  integrationErrorMessage: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
  authorizerError: '$context.authorizer.error',
  clientId: '$context.authorizer.claims.client_id',
  subject: '$context.authorizer.claims.sub',
};

export interface ProvisioningHttpApiProps {
  /** The handler function of every route, by operationId. */
  readonly functions: ReadonlyMap<string, lambda.IFunction>;
  readonly jwtIssuer: string;
  readonly jwtAudience: readonly string[];
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly logRetentionDays: number;
}

export class ProvisioningHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly routes: ReadonlyMap<string, apigw.HttpRoute>;

  constructor(scope: Construct, id: string, props: ProvisioningHttpApiProps) {
    super(scope, id);

    this.api = new apigw.HttpApi(this, 'Api', {
      description: 'Webex for BroadWorks provisioning API (Webex-compatible)',
      createDefaultStage: false,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRateLimit, burstLimit: props.throttleBurstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
      identitySource: ['$request.header.Authorization'],
    });

    const routes = new Map<string, apigw.HttpRoute>();
    for (const route of ROUTES) {
      const handler = props.functions.get(route.operationId);
      if (handler === undefined) throw new Error(`No function for route ${route.operationId}`);
      const integration = new HttpLambdaIntegration(`${upperFirst(route.operationId)}Integration`, handler);
      for (const [index, path] of [route.path, ...(route.alsoServes ?? [])].entries()) {
        const httpRoute = new apigw.HttpRoute(
          this,
          `Route${upperFirst(route.operationId)}${index === 0 ? '' : index}`,
          {
            httpApi: this.api,
            routeKey: apigw.HttpRouteKey.with(path, apigw.HttpMethod[route.method]),
            integration,
            ...(route.scope === null ? {} : { authorizer, authorizationScopes: [SCOPES[route.scope]] }),
          },
        );
        if (route.scope === null) suppressPublicRoute(httpRoute, route);
        if (index === 0) routes.set(route.operationId, httpRoute);
      }
    }
    this.routes = routes;
  }

  /** The base URL callers use (the `$default` stage has no path prefix). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}

function suppressPublicRoute(route: apigw.HttpRoute, definition: RouteDefinition): void {
  const reason =
    `${definition.method} ${definition.path} serves this service's public API documentation (no data, no upstream ` +
    'call); every data route requires a JWT with the Webex scope.';
  acknowledge(route, { id: 'AwsSolutions-APIG4', reason });
}

function upperFirst(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
