import { html, page } from './html.ts';

/** GET /accounts/verify: asks for a click, because mail scanners open links too. */
export function confirmAccountPage(token: string, organizationName: string): string {
  return page(
    'Verify your email',
    html`<h1>Verify your email</h1>
<p>Confirm that this email address may administer the work account of <strong>${organizationName}</strong>.</p>
<form method="post" action="/accounts/verify">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm</button>
</form>`,
  );
}

export function accountVerifiedPage(): string {
  return page(
    'Email verified',
    html`<h1>Email verified</h1><p class="ok">Your work account is active. You can now sign in with your email and password.</p>`,
  );
}
