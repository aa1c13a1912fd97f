import type { EnrollmentApiDeps } from '../domain/enrollments.ts';
import { enrollmentDeps } from './enrollment.ts';
import { stepFunctionsReview } from './review-workflow.ts';

/** The API functions' ports: the task functions' plus the review state machine. */
export const enrollmentApiDeps: EnrollmentApiDeps = { ...enrollmentDeps, workflow: stepFunctionsReview };
