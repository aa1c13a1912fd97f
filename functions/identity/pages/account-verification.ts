import { confirmPage, donePage, html } from '../../platform/pages/html.ts';

/** GET /accounts/verify: asks for a click, because mail scanners open links too. */
export const confirmAccountPage = (token: string, organizationName: string) =>
  confirmPage(
    'Verify your email',
    html`<p>Confirm that this email address may administer the work account of <strong>${organizationName}</strong>.</p>`,
    '/accounts/verify',
    token,
  );

export const accountVerifiedPage = () =>
  donePage(
    'Email verified',
    'Your work account is active. You can now sign in with your email and password.',
  );
