import { enrollmentDeps } from '../adapters/enrollment.ts';
import { sesMailer } from '../adapters/mail.ts';
import { resendVerification } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';

export const handler = httpHandler(
  routes.resendEnrollmentVerification,
  async ({ principal, params }) => {
    await resendVerification(enrollmentDeps({ mailer: sesMailer }), principal, params.id);
    return { status: 202 };
  },
  { loadPrincipal },
);
