import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { resendVerification } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.resendEnrollmentVerification,
  async ({ principal, params }) => {
    await resendVerification(enrollmentDeps({ mailer: sesMailer }), principal, params.id);
    return { status: 202 };
  },
  { loadPrincipal },
);
