import type { Resource } from './platform/resources.ts';

/**
 * The state machines and the task functions each one invokes. CDK and the local
 * runtime both read this: the definition file's `${<Task>FunctionArn}` placeholders
 * are filled with each task function's ARN (CDK `definitionSubstitutions`) or with a
 * local ARN that the local Step Functions adapter maps back to the handler module.
 */
export interface WorkflowSpec {
  /** Also the state machine's name suffix. */
  name: string;
  /** Path from the repository root, under `statemachines/`. */
  definitionFile: string;
  /** Placeholder base name (`SendEmail` fills `${SendEmailFunctionArn}`) → task handler. */
  tasks: Record<string, { handler: string; uses: ReadonlyArray<Resource> }>;
}

export const workflows: ReadonlyArray<WorkflowSpec> = [
  {
    name: 'enrollment-review',
    definitionFile: 'statemachines/enrollment-review.asl.json',
    tasks: {
      SendVerification: { handler: 'enrollment/tasks/send-verification', uses: ['table', 'mail'] },
      Expire: { handler: 'enrollment/tasks/expire', uses: ['table', 'mail'] },
      NotifyInReview: { handler: 'enrollment/tasks/notify-in-review', uses: ['table', 'mail'] },
      AutomatedChecks: { handler: 'enrollment/tasks/automated-checks', uses: ['table'] },
      AwaitDecision: { handler: 'enrollment/tasks/await-decision', uses: ['table'] },
      Remind: { handler: 'enrollment/tasks/remind', uses: ['table', 'mail'] },
      ApplyDecision: { handler: 'enrollment/tasks/apply-decision', uses: ['table', 'mail'] },
      RecordFailure: { handler: 'enrollment/tasks/record-failure', uses: ['table'] },
    },
  },
];

/** The placeholder a task's function ARN fills in a definition. */
export const functionArnPlaceholder = (task: string) => `${task}FunctionArn`;
