import { html, page } from './html.ts';

/** GET /enrollments/verify: names the organization and asks for a click; the click is a POST. */
export function confirmEnrollmentPage(
  token: string,
  view: { organizationName: string; legalName: string },
): string {
  return page(
    'Confirm your email',
    html`<h1>Confirm your email</h1>
<p><strong>${view.organizationName}</strong> (${view.legalName}) is enrolling as an indirect reseller and named you as its primary contact.</p>
<p>Confirm that this is your email address to send the enrollment into review. We will email you at every step.</p>
<form method="post" action="/enrollments/verify">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm</button>
</form>`,
  );
}

export function enrollmentVerifiedPage(): string {
  return page(
    'Email confirmed',
    html`<h1>Email confirmed</h1><p class="ok">The enrollment is now in review. Reviews take several business days; we will email you at every step.</p>`,
  );
}
