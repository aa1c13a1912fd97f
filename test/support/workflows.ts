import type { WorkflowSpec } from '../../functions/workflows.ts';

/** Small state machines the integration tests run through the local adapter. */
export const TEST_WORKFLOWS: WorkflowSpec[] = [
  {
    name: 'test-task-token',
    definitionFile: 'test/fixtures/statemachines/task-token.asl.json',
    // Handler modules are resolved under functions/; this one lives with the tests.
    tasks: { RecordToken: { handler: '../test/fixtures/functions/record-token', uses: ['table'] } },
  },
  {
    name: 'test-environment',
    definitionFile: 'test/fixtures/statemachines/report-environment.asl.json',
    tasks: { Report: { handler: '../test/fixtures/functions/report-environment', uses: ['table'] } },
  },
];
