/**
 * The Webex for BroadWorks simulator: public API. See README.md beside this file.
 */
export { isControllableClock } from './control';
export {
  type CustomerTemplate,
  EXISTING_WEBEX_DOMAINS,
  EXISTING_WEBEX_EMAILS,
  FAILING_USER_ID_PREFIX,
  isExistingWebexUser,
  SEEDED_TEMPLATES,
  TRUSTED_TEMPLATE_ID,
  UNTRUSTED_TEMPLATE_ID,
} from './seed';
export { createWebexSimulator, type WebexSimulator } from './simulator';
export { PRECHECK_SUCCESS, SIMULATED_FAILURE_DESCRIPTION } from './subscribers';
export type { TokenGrant } from './tokens';
export {
  type DuplicateUserIdMode,
  FAULT_ERROR_STATUSES,
  type FaultConfig,
  type FaultErrorStatus,
  type FaultKind,
  OPERATION_IDS,
  type OperationId,
  type PersonAction,
  type SimulatorConfig,
  type SimulatorCredentials,
  type SimulatorOptions,
  type SimulatorStats,
} from './types';
