import { eventually, runtime } from './runtime.ts';

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  /** The message's ReplyToAddresses (aws-ses-v2-local keeps them; empty when none was given). */
  replyTo?: string[];
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** Every email the mailbox holds sent at or after `since` (epoch seconds). */
export async function emailsSince(since = 0): Promise<StoredEmail[]> {
  const res = await fetch(`${runtime.mailboxUrl}/store?since=${Math.floor(since)}`);
  if (!res.ok) throw new Error(`mailbox answered ${res.status}`);
  const { emails } = (await res.json()) as { emails: StoredEmail[] };
  return emails;
}

/** Waits for the newest email to `to` (optionally whose subject matches) and returns it. */
export function waitForEmail(
  to: string,
  opts: { subject?: RegExp; since?: number; timeoutMs?: number } = {},
) {
  return eventually(
    async () => {
      const mails = await emailsSince(opts.since ?? 0);
      return mails
        .filter((m) => m.destination.to.some((t) => t.toLowerCase() === to.toLowerCase()))
        .filter((m) => !opts.subject || opts.subject.test(m.subject))
        .at(-1);
    },
    opts.timeoutMs ?? 10_000,
    `an email to ${to}${opts.subject ? ` matching ${opts.subject}` : ''}`,
  );
}

/** The links of an email's text body (HTML is checked to carry the same ones). */
export function linksIn(email: StoredEmail): string[] {
  const found = (s: string | undefined) =>
    [...(s ?? '').matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0].replaceAll('&amp;', '&'));
  return [...new Set([...found(email.body.text), ...found(email.body.html)])];
}

/** The first link of an email that starts with `prefix` (e.g. the API URL + a path). */
export function linkStartingWith(email: StoredEmail, prefix: string): string {
  const link = linksIn(email).find((l) => l.startsWith(prefix));
  if (!link) throw new Error(`no link starting with ${prefix} in "${email.subject}"`);
  return link;
}
