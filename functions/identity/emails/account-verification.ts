import { html } from '../../platform/pages/html.ts';

/** The email that verifies a new work account's admin. */
export function accountVerificationEmail(p: { firstName: string; organizationName: string; link: string }) {
  const subject = `Verify your email for ${p.organizationName}`;
  const text = [
    `Hello ${p.firstName},`,
    '',
    `Confirm your email address to activate the work account of ${p.organizationName}:`,
    p.link,
    '',
    'The link works once and expires in 7 days. If you did not create this account, ignore this email.',
  ].join('\n');
  const body = html`<p>Hello ${p.firstName},</p>
<p>Confirm your email address to activate the work account of <strong>${p.organizationName}</strong>:</p>
<p><a href="${p.link}">Verify my email</a></p>
<p>Or paste this link into your browser: ${p.link}</p>
<p>The link works once and expires in 7 days. If you did not create this account, ignore this email.</p>`;
  return { subject, text, html: body.value };
}
