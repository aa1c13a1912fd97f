import { confirmPage, donePage, html } from '../../platform/pages/html.ts';

/** GET /enrollments/verify: names the organization and asks for a click; the click is a POST. */
export const confirmEnrollmentPage = (token: string, view: { organizationName: string; legalName: string }) =>
  confirmPage(
    'Confirm your email',
    html`<p><strong>${view.organizationName}</strong> (${view.legalName}) is enrolling as an indirect reseller and named you as its primary contact.</p>
<p>Confirm that this is your email address to send the enrollment into review. We will email you at every step.</p>`,
    '/enrollments/verify',
    token,
  );

export const enrollmentVerifiedPage = () =>
  donePage(
    'Email confirmed',
    'The enrollment is now in review. Reviews take several business days; we will email you at every step.',
  );
