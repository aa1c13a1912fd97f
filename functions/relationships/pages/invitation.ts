import { html, page } from '../../platform/pages/html.ts';
import type { InvitationRecord } from '../domain/model.ts';

/** What accepting grants, said before the box is ticked. */
function grants(inv: InvitationRecord) {
  const admin = inv.delegatedAdmin
    ? ', with delegated administration privileges for your organization’s tenant'
    : '';
  const myAdmin = inv.delegatedAdmin
    ? ", with delegated administration privileges for my organization's tenant"
    : '';
  switch (inv.kind) {
    case 'PROVIDER_RESELLER':
      return {
        title: `${inv.from.name} invites you to become its indirect reseller`,
        what: html`<p><strong>${inv.from.name}</strong> (${inv.from.domain}) is an indirect provider (distributor) and invites your organization to become one of its indirect resellers.</p>
<p class="note" id="grant">Accepting authorizes ${inv.from.name} to <strong>submit orders for your customers</strong> and gives it <strong>admin access to your organization’s tenant</strong>. Only accept if you trust this provider.</p>`,
        box: `I authorize ${inv.from.name} to submit orders for my customers and to have admin access to my organization's tenant.`,
      };
    case 'RESELLER_CUSTOMER':
      return {
        title: `${inv.from.name} asks to become your Cloud Solution Provider`,
        what: html`<p><strong>${inv.from.name}</strong> (${inv.from.domain}) asks to become your organization’s Cloud Solution Provider.</p>
<p class="note" id="grant">Accepting makes ${inv.from.name} your partner: it can order cloud services for your organization${admin}.</p>`,
        box: `I accept ${inv.from.name} as my Cloud Solution Provider${myAdmin}.`,
      };
    case 'RESELLER_PROVIDER_CUSTOMER':
      return {
        title: `${inv.from.name} and ${inv.provider?.name ?? ''} invite you`,
        what: html`<p><strong>${inv.from.name}</strong> (${inv.from.domain}) invites your organization to a relationship with itself and with its indirect provider <strong>${inv.provider?.name ?? ''}</strong> (${inv.provider?.domain ?? ''}).</p>
<p class="note" id="grant">Accepting makes both your partners: ${inv.from.name} can order cloud services for your organization through ${inv.provider?.name ?? ''}${admin}.</p>`,
        box: `I accept ${inv.from.name} and ${inv.provider?.name ?? ''} as my partners${myAdmin}.`,
      };
  }
}

/**
 * GET /invitations/accept: works without JavaScript. Both buttons post the same form, to
 * accept or to decline; signing in is part of the form because the link opens anywhere.
 */
export function invitationPage(token: string, inv: InvitationRecord): string {
  const g = grants(inv);
  const expires = new Date(inv.expiresAt * 1000).toISOString().slice(0, 10);
  return page(
    g.title,
    html`<h1>${g.title}</h1>
${g.what}
${inv.message ? html`<blockquote>${inv.message}</blockquote>` : ''}
<p>This invitation is for <strong>${inv.email}</strong>. A global admin of the organization on <strong>${inv.domain}</strong> can answer it until ${expires}.</p>
<form method="post" action="/invitations/accept">
<input type="hidden" name="token" value="${token}">
<p><label><input type="checkbox" name="authorize" value="on" id="authorize"> ${g.box}</label></p>
<label for="email">Work email</label><input type="email" id="email" name="email" autocomplete="username" required>
<label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" id="accept">Accept</button>
<button type="submit" id="decline" formaction="/invitations/decline">Decline</button>
</form>
<p>No work account for ${inv.domain} yet? Create one first (<code>POST /accounts</code>, then confirm the email we send), and come back to this link.</p>`,
  );
}

export function answeredPage(status: 'ACCEPTED' | 'DECLINED', inv: InvitationRecord): string {
  const partners = inv.provider ? `${inv.from.name} and ${inv.provider.name}` : inv.from.name;
  const list =
    inv.kind === 'PROVIDER_RESELLER'
      ? `${inv.from.name} now appears on your Indirect providers list.`
      : `${partners} now ${inv.provider ? 'appear' : 'appears'} among your partners.`;
  return status === 'ACCEPTED'
    ? page(
        'Invitation accepted',
        html`<h1>Invitation accepted</h1><p class="ok" id="result">You are now connected with ${partners}. ${list}</p>`,
      )
    : page(
        'Invitation declined',
        html`<h1>Invitation declined</h1><p class="ok" id="result">You declined the invitation of ${partners}. Nothing was shared.</p>`,
      );
}
