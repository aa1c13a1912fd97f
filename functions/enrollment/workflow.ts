import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { awsClientConfig } from '../platform/aws.ts';
import { lazy, requireEnv } from '../platform/config.ts';
import { correlationId } from '../platform/correlation.ts';
import { stateMachineArnEnvName } from '../platform/resources.ts';
import type { ReviewWorkflow } from './ports.ts';

const stateMachineArn = () => requireEnv(stateMachineArnEnvName('enrollment-review'));
const client = lazy(() => new SFNClient(awsClientConfig));
/** What the service answers for a token nobody waits on any more. */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Step Functions implementation of the ReviewWorkflow port. */
export const stepFunctionsReview: ReviewWorkflow = {
  async start(enrollmentId) {
    try {
      await client.send(
        new StartExecutionCommand({
          stateMachineArn: stateMachineArn(),
          name: enrollmentId,
          // Every task's payload passes the correlation id on (statemachines/enrollment-review.asl.json),
          // so the review's steps log in the story of the request that submitted it.
          input: JSON.stringify({ enrollmentId, correlationId: correlationId() ?? enrollmentId }),
        }),
      );
    } catch (error) {
      // Same name and input while running: already started, which is what we want.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  },
  async resume(taskToken, output) {
    try {
      await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return true;
    } catch (error) {
      if (GONE.has((error as Error).name)) return false;
      throw error;
    }
  },
};
