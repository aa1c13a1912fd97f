import { relationshipDeps } from '../adapters/relationships.ts';
import { viewInvitation } from '../domain/invitations.ts';
import { LinkInvalidError } from '../domain/links.ts';
import { ProblemError } from '../http/errors.ts';
import { httpHandler } from '../http/handler.ts';
import { invitationPage } from '../pages/invitation.ts';
import { problemPage } from '../pages/results.ts';
import { routes } from '../routes.ts';

/** The invitation page: reads only, so GET and HEAD by mail scanners change nothing. */
export const handler = httpHandler(routes.showInvitation, async ({ query }) => {
  const headers = { 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
  try {
    if (!query.token) throw new LinkInvalidError();
    const invitation = await viewInvitation(relationshipDeps, query.token);
    return { status: 200, html: invitationPage(query.token, invitation), headers };
  } catch (error) {
    if (error instanceof ProblemError) return { status: error.statusCode, html: problemPage(error), headers };
    throw error;
  }
});
