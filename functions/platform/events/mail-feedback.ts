import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { withCorrelation } from '../correlation.ts';
import { DomainError } from '../errors.ts';
import { fieldErrors } from '../http/validation.ts';
import { logger } from '../logger.ts';
import { CORRELATION_TAG, type MailFeedback, suppress } from '../mail/suppression.ts';

// What the platform reads of SES's event (the rest, headers and diagnostic text included, is dropped).
const Recipients = z
  .array(z.object({ emailAddress: z.string().check(z.regex(/^[^\s@]+@[^\s@]+$/), z.maxLength(320)) }))
  .check(z.minLength(1));
const Report = { timestamp: z.string(), feedbackId: z.string().check(z.minLength(1)) };
const Mail = z.object({
  messageId: z.string().check(z.minLength(1)),
  tags: z.optional(z.record(z.string(), z.array(z.string()))),
});
const SesFeedbackEvent = z.object({
  source: z.literal('aws.ses'),
  detail: z.discriminatedUnion('eventType', [
    z.object({
      eventType: z.literal('Bounce'),
      mail: Mail,
      bounce: z.object({
        bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
        bounceSubType: z.string(),
        bouncedRecipients: Recipients,
        ...Report,
      }),
    }),
    z.object({
      eventType: z.literal('Complaint'),
      mail: Mail,
      complaint: z.object({
        complainedRecipients: Recipients,
        complaintFeedbackType: z.optional(z.string()),
        ...Report,
      }),
    }),
  ]),
});

/** The report an SES bounce or complaint event carries; anything else is refused, naming each field at fault. */
export function parseMailFeedback(event: unknown): MailFeedback {
  const parsed = z.safeParse(SesFeedbackEvent, event);
  if (parsed.success) return parsed.data.detail;
  const errors = fieldErrors(parsed.error, 'event');
  throw new DomainError(
    'VALIDATION_FAILED',
    `Not an SES bounce or complaint event: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    { errors },
  );
}

/**
 * Mail event consumer `mail-feedback` (functions/consumers.ts): SES's bounce and complaint events,
 * from the default bus. A permanent bounce or a complaint suppresses its addresses
 * (platform/mail/suppression.ts); anything else is only logged. A throw (a malformed event, the
 * table failing) has Lambda retry the event, then its dead-letter queue keeps it.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const feedback = parseMailFeedback(event);
  // The story that sent the mail (its tag), so a bounce is found with the request that caused it.
  const story = feedback.mail.tags?.[CORRELATION_TAG]?.[0] ?? event.id;
  await withCorrelation(story, async () => {
    const results = await suppress(feedback, new Date());
    if (results.length === 0)
      logger.info('mail feedback suppresses nothing', {
        eventType: feedback.eventType,
        ...(feedback.eventType === 'Bounce' ? { bounceType: feedback.bounce.bounceType } : {}),
        messageId: feedback.mail.messageId,
      });
    // Operators look addresses up here: the address and why, never SES's diagnostic text.
    for (const { suppression: s, outcome } of results)
      logger.warn(outcome === 'SUPPRESSED' ? 'mail address suppressed' : 'mail address already suppressed', {
        address: s.address,
        reason: s.reason,
        subType: s.subType,
        messageId: s.messageId,
        feedbackId: s.feedbackId,
      });
  });
};
