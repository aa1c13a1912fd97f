import { enrollmentDeps } from '../adapters/enrollment.ts';
import { peekEnrollmentVerification } from '../domain/enrollments.ts';
import { LinkInvalidError } from '../domain/links.ts';
import { ProblemError } from '../http/errors.ts';
import { httpHandler } from '../http/handler.ts';
import { confirmEnrollmentPage } from '../pages/enrollment-verification.ts';
import { problemPage } from '../pages/results.ts';
import { routes } from '../routes.ts';

/** Renders the confirmation page; reads only, so scanners that prefetch the link change nothing. */
export const handler = httpHandler(routes.showEnrollmentVerification, async ({ query }) => {
  try {
    if (!query.token) throw new LinkInvalidError();
    const view = await peekEnrollmentVerification(enrollmentDeps, query.token);
    return {
      status: 200,
      html: confirmEnrollmentPage(query.token, view),
      headers: { 'Referrer-Policy': 'no-referrer' },
    };
  } catch (error) {
    if (error instanceof ProblemError) return { status: error.statusCode, html: problemPage(error) };
    throw error;
  }
});
