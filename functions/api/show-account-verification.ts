import { identityDeps } from '../adapters/identity.ts';
import { peekAccountVerification } from '../domain/accounts.ts';
import { LinkInvalidError } from '../domain/links.ts';
import { ProblemError } from '../http/errors.ts';
import { httpHandler } from '../http/handler.ts';
import { confirmAccountPage } from '../pages/account-verification.ts';
import { problemPage } from '../pages/results.ts';
import { routes } from '../routes.ts';

/** Renders the confirmation page; reads only, so scanners that prefetch the link change nothing. */
export const handler = httpHandler(routes.showAccountVerification, async ({ query }) => {
  try {
    if (!query.token) throw new LinkInvalidError();
    const { organizationName } = await peekAccountVerification(identityDeps, query.token);
    return {
      status: 200,
      html: confirmAccountPage(query.token, organizationName),
      headers: { 'Referrer-Policy': 'no-referrer' },
    };
  } catch (error) {
    if (error instanceof ProblemError) return { status: error.statusCode, html: problemPage(error) };
    throw error;
  }
});
