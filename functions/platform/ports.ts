/** Ports every context shares; the contexts declare their own in their `ports.ts`. */

import type { PlatformEvent } from './events/event.ts';
import type { LinkRecord } from './links/links.ts';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Where the recipient's reply goes instead of the sender address (e.g. the partner who asked to be contacted). */
  replyTo?: string;
}

/**
 * Sends one email; resolves with the provider's message id, or undefined when the address is
 * suppressed (it bounced for good or complained): then nothing was sent, and that is not an error.
 */
export interface Mailer {
  send(email: OutgoingEmail): Promise<string | undefined>;
}

/**
 * Values derived from the platform's link secret (a Secrets Manager secret on AWS), which
 * never leaves the function and is never stored in the table. The same label and parts
 * always give the same 32 bytes; nobody without the secret can compute them. Idempotent
 * creates use it so that a replay rebuilds the first link from its Idempotency-Key.
 */
export interface LinkTokens {
  /** HMAC-SHA256 under the secret of `label` and `parts` joined by newlines (none may contain one). */
  derive(label: string, parts: readonly string[]): Promise<Uint8Array>;
}

/** The current time; injected so expiry rules can be tested with a moved clock. */
export interface Clock {
  now(): Date;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Emailed links of every kind, found by the hash of their token; each context writes its own with the change they belong to. */
export interface LinkStore {
  getLink(tokenHash: string): Promise<LinkRecord | undefined>;
}

/**
 * Seals small secrets before they are stored (a KMS key on AWS): the table holds only the
 * ciphertext, bound to the context it was sealed with (e.g. the webhook and organization).
 * Opening comes with the deliveries that need it.
 */
export interface SecretBox {
  seal(plaintext: string, context: Record<string, string>): Promise<string>;
}

/**
 * The platform's event bus: events in the order given, or a throw. Each says whether webhook
 * deliveries were queued for it: only those go to the delivery queue (the bus rule matches it);
 * and the correlation id of the request that made it, which its delivery logs under.
 */
export interface EventBus {
  publish(
    entries: ReadonlyArray<{ event: PlatformEvent; queuedForWebhooks: boolean; correlationId?: string }>,
  ): Promise<void>;
}

/** Opens what a SecretBox sealed, given the same context; held only by the code that must read the secret. */
export interface SecretOpener {
  open(sealed: string, context: Record<string, string>): Promise<string>;
}

/**
 * One-time timers of one task (EventBridge Scheduler `at()` schedules, deleted after they ran,
 * retried and dead-lettered by Scheduler): at `due` the task is called with `input`. A task
 * re-reads what it acts on and acts by a conditional write, so a late or repeated call is harmless.
 */
export interface Timers<I extends object> {
  /** Creates the timer `name` (1–64 of `[0-9A-Za-z_.-]`) unless it exists already (a retried step). */
  at(name: string, due: Date, input: I): Promise<void>;
  /** Deletes the timer `name` if it is still pending. */
  cancel(name: string): Promise<void>;
}
