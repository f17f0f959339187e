/** The local Step Functions endpoint (see server.ts) and its engine. */
export {
  type ExecutionRecord,
  type ExecutionStatus,
  type LocalEngineOptions,
  LocalStepFunctionsEngine,
  SfnError,
  type WaitInfo,
} from './engine';
export {
  createLocalStepFunctionsHandler,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
  startLocalStepFunctions,
  timeScaleFromEnv,
} from './server';
export type { LocalLambdaContext, TaskHandler } from './task-handlers';
