import type { ReviewWorkflow } from '../../../functions/enrollment/ports.ts';
import { copy } from './table.ts';

/**
 * The review state machine as the API sees it: executions by name (a repeat starts nothing),
 * and the task tokens it waits on; the test plays the machine by handing tokens to the steps.
 */
export class FakeReviewWorkflow implements ReviewWorkflow {
  readonly started: string[] = [];
  readonly resumed: Array<{ taskToken: string; output: unknown }> = [];
  private readonly waiting = new Set<string>();
  private startFailure: Error | undefined;
  private issued = 0;

  /** The next start throws (Step Functions unavailable). */
  failNextStart(error = new Error('Step Functions is unavailable')): void {
    this.startFailure = error;
  }

  async start(enrollmentId: string): Promise<void> {
    const failure = this.startFailure;
    this.startFailure = undefined;
    if (failure) throw failure;
    if (!this.started.includes(enrollmentId)) this.started.push(enrollmentId);
  }

  /** A new token the execution of `enrollmentId` waits on, as Step Functions hands one to a task. */
  taskToken(enrollmentId: string): string {
    const token = `task-${enrollmentId}-${++this.issued}`;
    this.waiting.add(token);
    return token;
  }

  /** The wait on `taskToken` timed out: nobody waits on it any more. */
  timeOut(taskToken: string): void {
    this.waiting.delete(taskToken);
  }

  async resume(taskToken: string, output: unknown): Promise<boolean> {
    if (!this.waiting.delete(taskToken)) return false;
    this.resumed.push({ taskToken, output: copy(output) });
    return true;
  }
}
