import { html, page } from '../../platform/pages/html.ts';
import type { AdminRelationshipRecord } from '../domain/model.ts';
import { AUTO_EXTEND_DAYS, durationInWords, roleInWords, roleName } from '../emails/roles.ts';

/** The date part (UTC) of an ISO timestamp: "2026-11-24". */
const day = (iso: string) => new Date(iso).toISOString().slice(0, 10);

/**
 * GET /admin-relationships/approve: works without JavaScript and changes nothing. Both buttons
 * post the same form, to approve or to reject; signing in is part of the form because the link
 * opens anywhere, and only a global admin of the customer may answer.
 */
export function approvalPage(token: string, r: AdminRelationshipRecord): string {
  const partner = r.partner.name;
  const customer = r.customer.name;
  const title = `${partner} asks for admin access to ${customer}`;
  const then = r.autoExtend
    ? html` Then it extends by ${AUTO_EXTEND_DAYS} days automatically, unless ${customer} or ${partner} ends it.`
    : html` Then it ends; more time needs a new request and a new approval.`;
  return page(
    title,
    html`<h1>${title}</h1>
<p><strong>${partner}</strong> asks for admin access to your organization <strong>${customer}</strong>, in a request named “${r.displayName}”. If you approve, ${partner} can act for ${customer} in these roles:</p>
<ul id="roles">${r.roles.map((role) => html`<li>${roleInWords(role, 'en')}</li>`)}</ul>
<p id="duration">The access lasts <strong>${durationInWords(r.duration, 'en')}</strong> from approval.${then}</p>
<p class="note" id="grant">Only a global admin of ${customer} can approve this request. ${customer} can end this access at any time, and it then ends at once. Only approve if you trust ${partner}.</p>
<p>A global admin of ${customer} can answer this request until <strong id="expires">${day(r.requestExpiresAt)}</strong>; after that it expires and nothing changes.</p>
<form method="post" action="/admin-relationships/approve">
<input type="hidden" name="token" value="${token}">
<label for="email">Work email</label><input type="email" id="email" name="email" autocomplete="username" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" id="approve">Approve</button>
<button type="submit" id="reject" formaction="/admin-relationships/reject">Reject</button>
</form>`,
  );
}

/** The page after the form: the relationship is now ACTIVE or REJECTED. */
export function answeredPage(status: 'ACTIVE' | 'REJECTED', r: AdminRelationshipRecord): string {
  const partner = r.partner.name;
  const customer = r.customer.name;
  if (status === 'REJECTED') {
    return page(
      'Request rejected',
      html`<h1>Request rejected</h1><p class="ok" id="result">Request rejected: ${partner} gets no access to ${customer}. Nothing was shared.</p>`,
    );
  }
  const as = r.roles.map((role) => roleName(role, 'en')).join(', ');
  const until = r.endsAt ? html` until ${day(r.endsAt)}` : '';
  const extend = r.autoExtend
    ? html` It then extends by ${AUTO_EXTEND_DAYS} days automatically unless ended.`
    : html` It then ends.`;
  return page(
    'Admin access approved',
    html`<h1>Admin access approved</h1><p class="ok" id="result">Admin access approved: ${partner} can now act for ${customer} as ${as}${until}.${extend} A global admin of ${customer} can end this access at any time.</p>`,
  );
}
