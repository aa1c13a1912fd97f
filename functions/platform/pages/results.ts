import { DomainError } from '../errors.ts';
import { problemOf } from '../http/problems.ts';
import { html, page } from './html.ts';

const HEADINGS: Record<string, string> = {
  LINK_INVALID: 'This link is not valid',
  LINK_EXPIRED: 'This link has expired',
  LINK_USED: 'This link was already used',
  INVITATION_NOT_FOR_YOU: 'This invitation is for another organization',
  AUTHORIZATION_NOT_CONFIRMED: 'Tick the box to accept',
  NOT_A_RESELLER: 'Only indirect resellers can accept this invitation',
  INVALID_CREDENTIALS: 'Sign-in failed',
  UNAUTHENTICATED: 'Sign in to answer',
  FORBIDDEN: 'Only a global admin can answer',
  ALREADY_CONNECTED: 'You are already connected',
  RATE_LIMITED: 'Too many failed sign-ins',
};

/** The page for a link that cannot be used (invalid, expired, used) or any other refusal. */
export function problemPage(error: DomainError): string {
  const { title, detail } = problemOf(error);
  const heading = HEADINGS[error.code] ?? title;
  const back =
    error.code === 'AUTHORIZATION_NOT_CONFIRMED' ||
    error.code === 'INVALID_CREDENTIALS' ||
    error.code === 'UNAUTHENTICATED'
      ? html`<p>Go back to the invitation page and try again.</p>`
      : html``;
  return page(
    heading,
    html`<h1>${heading}</h1><p class="error" data-code="${error.code}">${detail}</p>${back}`,
  );
}

/** Form posts from our own pages want a page back; API callers send JSON and get JSON. */
export const isFormPost = (headers: Record<string, string | undefined>) =>
  /^application\/x-www-form-urlencoded/i.test(headers['content-type'] ?? '');

/** Runs `action`; for form posts the outcome (refusals too, with their status) is a page instead of JSON. */
export async function asPageWhenForm<T, J = T>(
  headers: Record<string, string | undefined>,
  action: () => Promise<T>,
  success: (value: T) => string,
  toJson: (value: T) => J = (value) => value as unknown as J,
): Promise<{ status: number; html: string; headers?: Record<string, string> } | { status: 200; body: J }> {
  const form = isFormPost(headers);
  try {
    const value = await action();
    return form ? { status: 200, html: success(value) } : { status: 200, body: toJson(value) };
  } catch (error) {
    // The refusal's headers go along: a 429 page still carries its Retry-After.
    if (form && error instanceof DomainError) {
      const { status, headers } = problemOf(error);
      return { status, html: problemPage(error), ...(headers ? { headers } : {}) };
    }
    throw error;
  }
}

/**
 * GET of an emailed link: renders `render(token)` (which only reads, so scanners that prefetch
 * links change nothing), or the refusal page with its status; never cached nor referred.
 */
export async function linkPage(token: string | undefined, render: (token: string) => Promise<string>) {
  const headers = { 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };
  try {
    if (!token) throw new DomainError('LINK_INVALID');
    return { status: 200, html: await render(token), headers };
  } catch (error) {
    if (error instanceof DomainError)
      return { status: problemOf(error).status, html: problemPage(error), headers };
    throw error;
  }
}
