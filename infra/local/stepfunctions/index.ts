/**
 * Local stand-in for AWS Step Functions (see docs/decisions.md, "Local Step Functions"): an HTTP server
 * speaking the Step Functions API, running executions with the `aws-local-stepfunctions` interpreter.
 *
 * - definition.ts: loading definitions (substitutions, validation) and the time-scaled copy that runs;
 * - history.ts: execution history for GetExecutionHistory; json.ts: shared JSON types and guards;
 * - tasks.ts: Task states (Lambda invocations, `.waitForTaskToken`) and task tokens;
 * - engine.ts: executions and their lifecycle;
 * - api.ts: the API actions; server.ts: HTTP.
 */
export type { LocalStateMachine } from './definition.ts';
export {
  type StepFunctionsAdapter,
  type StepFunctionsAdapterOptions,
  startStepFunctionsAdapter,
} from './server.ts';
