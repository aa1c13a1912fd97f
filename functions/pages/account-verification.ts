import { ProblemError } from '../http/errors.ts';
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

/** The page for a link that cannot be used (invalid, expired, used) or any other refusal. */
export function problemPage(error: ProblemError): string {
  const headings: Record<string, string> = {
    LINK_INVALID: 'This link is not valid',
    LINK_EXPIRED: 'This link has expired',
    LINK_USED: 'This link was already used',
  };
  return page(
    headings[error.code] ?? error.title,
    html`<h1>${headings[error.code] ?? error.title}</h1><p class="error">${error.detail}</p>`,
  );
}

/** Form posts from our own pages want a page back; API callers send JSON and get JSON. */
export const isFormPost = (headers: Record<string, string | undefined>) =>
  /^application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '');

/** Runs `action`; for form posts, refusals become pages with the same status instead of problem+json. */
export async function asPageWhenForm<T>(
  headers: Record<string, string | undefined>,
  action: () => Promise<T>,
  success: (value: T) => string,
): Promise<{ status: number; html: string } | { status: number; body: T }> {
  const form = isFormPost(headers);
  try {
    const value = await action();
    return form ? { status: 200, html: success(value) } : { status: 200, body: value };
  } catch (error) {
    if (form && error instanceof ProblemError) return { status: error.statusCode, html: problemPage(error) };
    throw error;
  }
}
