import { PLATFORM_LOG, recordActivity } from '../data/activity.ts';
import { tableName } from '../data/dynamo.ts';
import { entity } from '../data/entity.ts';
import { getRecord } from '../data/query.ts';
import { keys } from '../data/table.ts';
import { transactWriteIf } from '../data/transact.ts';

/**
 * Mail reputation: SES reports bounces and complaints (its configuration set's event destination,
 * the default EventBridge bus, functions/consumers.ts `mail-feedback`), and an address that bounced
 * for good or complained is suppressed: the mailer (ses.ts) skips it from then on. SES pauses an
 * account's sending at a 10% bounce rate; mailing such an address again only raises it. The
 * account-level suppression list of SES does the same on AWS; ours also works locally, is in the
 * platform's activity log, and lets the mailer skip without an error that a workflow would retry.
 */

/** The message tag SES hands back in its events (`mail.tags`): the story that sent the mail (ses.ts sets it). */
export const CORRELATION_TAG = 'correlation_id';

/** The message a report is about: its id, and its tags (SES's own and ours), each a list. */
export interface SentMail {
  messageId: string;
  tags?: Record<string, string[]> | undefined;
}

/** What SES reported about one message: the parts of an SES event's `detail` the platform reads. */
export type MailFeedback =
  | {
      eventType: 'Bounce';
      mail: SentMail;
      bounce: {
        /** Only `Permanent` suppresses: `Transient` (a full mailbox, a timeout) and `Undetermined` may pass later. */
        bounceType: 'Permanent' | 'Transient' | 'Undetermined';
        bounceSubType: string;
        bouncedRecipients: ReadonlyArray<{ emailAddress: string }>;
        timestamp: string;
        feedbackId: string;
      };
    }
  | {
      eventType: 'Complaint';
      mail: SentMail;
      complaint: {
        complainedRecipients: ReadonlyArray<{ emailAddress: string }>;
        complaintFeedbackType?: string | undefined;
        timestamp: string;
        feedbackId: string;
      };
    };

export type SuppressionReason = 'BOUNCE' | 'COMPLAINT';

/** An address the platform does not mail any more, and why (no diagnostic text: it may quote anything). */
export interface SuppressedAddress {
  /** Lower-cased. */
  address: string;
  reason: SuppressionReason;
  /** The bounce's sub type (`General`, `NoEmail`, …) or the complaint's feedback type (`abuse`, …), when SES gave one. */
  subType?: string;
  /** The message that bounced or was complained about (the `mail sent` log line names it too). */
  messageId: string;
  /** SES's id of the report: a redelivered event carries the same. */
  feedbackId: string;
  /** When SES received the report. */
  reportedAt: string;
  suppressedAt: string;
}

export const suppressedAddresses = entity<SuppressedAddress>({
  type: 'suppressedAddress',
  keys: (s) => keys.suppressedAddress(s.address),
});

/** The addresses a report suppresses: every recipient of a permanent bounce or a complaint, lower-cased, once each. */
export function suppressionsOf(feedback: MailFeedback, now: Date): SuppressedAddress[] {
  const common = { messageId: feedback.mail.messageId, suppressedAt: now.toISOString() };
  const made =
    feedback.eventType === 'Bounce'
      ? feedback.bounce.bounceType !== 'Permanent'
        ? []
        : feedback.bounce.bouncedRecipients.map((r) => ({
            ...common,
            address: r.emailAddress,
            reason: 'BOUNCE' as const,
            subType: feedback.bounce.bounceSubType,
            feedbackId: feedback.bounce.feedbackId,
            reportedAt: feedback.bounce.timestamp,
          }))
      : feedback.complaint.complainedRecipients.map((r) => ({
          ...common,
          address: r.emailAddress,
          reason: 'COMPLAINT' as const,
          ...(feedback.complaint.complaintFeedbackType
            ? { subType: feedback.complaint.complaintFeedbackType }
            : {}),
          feedbackId: feedback.complaint.feedbackId,
          reportedAt: feedback.complaint.timestamp,
        }));
  const byAddress = new Map<string, SuppressedAddress>();
  for (const s of made) {
    const address = s.address.trim().toLowerCase();
    if (!byAddress.has(address)) byAddress.set(address, { ...s, address });
  }
  return [...byAddress.values()];
}

/**
 * One suppression's transaction: the suppression, unless the address is suppressed already (so a
 * redelivered event, or a second report about an address already skipped, writes nothing), and its
 * `MAIL_SUPPRESSED` record in the platform's log, by SYSTEM.
 */
export function suppressionWrites(s: SuppressedAddress) {
  return [
    {
      Put: {
        TableName: tableName(),
        Item: suppressedAddresses.item(s),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    recordActivity({
      organizationId: PLATFORM_LOG,
      operation: 'MAIL_SUPPRESSED',
      resourceType: 'mailAddress',
      resourceId: s.address,
      actor: { kind: 'SYSTEM' },
      at: s.suppressedAt,
      changes: {
        reason: [null, s.reason],
        ...(s.subType ? { subType: [null, s.subType] } : {}),
        messageId: [null, s.messageId],
      },
    }),
  ];
}

/** What became of each address a report named: newly suppressed, or already suppressed before it. */
export interface SuppressionResult {
  suppression: SuppressedAddress;
  outcome: 'SUPPRESSED' | 'ALREADY_SUPPRESSED';
}

/** Suppresses what a report asks for, one transaction per address; safe to repeat (SES may deliver an event twice). */
export async function suppress(feedback: MailFeedback, now: Date): Promise<SuppressionResult[]> {
  return Promise.all(
    suppressionsOf(feedback, now).map(async (suppression) => ({
      suppression,
      outcome: (await transactWriteIf(suppressionWrites(suppression), [0]))
        ? ('SUPPRESSED' as const)
        : ('ALREADY_SUPPRESSED' as const),
    })),
  );
}

/** The address's suppression, if it has one: one GetItem, before every send. */
export const suppressionOf = (address: string): Promise<SuppressedAddress | undefined> =>
  getRecord(suppressedAddresses, keys.suppressedAddress(address));

/**
 * Lifts an address's suppression (an operator's act, once the recipient's mailbox works again:
 * scripts/mail-unsuppress.ts), with its `MAIL_UNSUPPRESSED` record in the platform's log. Answers
 * false when the address was not suppressed (nothing written).
 */
export async function unsuppress(address: string, operator: { email?: string } = {}): Promise<boolean> {
  const key = keys.suppressedAddress(address);
  return transactWriteIf(
    [
      { Delete: { TableName: tableName(), Key: key, ConditionExpression: 'attribute_exists(pk)' } },
      recordActivity({
        organizationId: PLATFORM_LOG,
        operation: 'MAIL_UNSUPPRESSED',
        resourceType: 'mailAddress',
        resourceId: address.trim().toLowerCase(),
        actor: { kind: 'OPERATOR', ...(operator.email ? { email: operator.email } : {}) },
      }),
    ],
    [0],
  );
}
