import type { RenderedEmail } from '../../platform/mail/locale.ts';

/** The plain-text draft a reseller copies into its own mail client: the customer email's subject and text. */
export function draftEmail(rendered: RenderedEmail): { subject: string; text: string } {
  return { subject: rendered.subject, text: rendered.text };
}
