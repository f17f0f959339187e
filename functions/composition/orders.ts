/**
 * The order entry points' Step Functions wiring on `STATE_MACHINE_ARN`: GET /v1/orders/{orderId} only describes
 * (`order-reader.ts`); POST /v1/orders and its retry start executions and describe them with the same reader.
 */
import { StepFunctionsOrderExecutions } from '../adapters/sfn/executions';
import { StepFunctionsOrderReader } from '../adapters/sfn/order-reader';
import type { OrderExecutionReader, OrderExecutions } from '../domain/workflow/orders';
import { once } from './cache';
import { getConfig } from './root';
import { getStepFunctionsClient } from './step-functions';

/** Describe executions only: GET /v1/orders/{orderId}. */
export function getOrderReader(): OrderExecutionReader {
  return reader();
}

/** Start and describe executions: POST /v1/orders. */
export function getOrderExecutions(): OrderExecutions {
  return once('orderExecutions', () => {
    const config = getConfig(['tracker']);
    return new StepFunctionsOrderExecutions({
      client: getStepFunctionsClient(),
      stateMachineArn: config.stateMachineArn as string,
      reader: reader(),
    });
  });
}

function reader(): StepFunctionsOrderReader {
  return once('orderReader', () => {
    const config = getConfig(['tracker']);
    return new StepFunctionsOrderReader({
      client: getStepFunctionsClient(),
      stateMachineArn: config.stateMachineArn as string,
    });
  });
}
