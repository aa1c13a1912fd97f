import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import { correlationId } from '../correlation.ts';
import { logger } from '../logger.ts';
import type { Mailer } from '../ports.ts';
import { CORRELATION_TAG, suppressionOf } from './suppression.ts';

/**
 * The SES API's first version: its client is about 55 KB smaller in every bundle that sends
 * mail than the v2 one, and `SendEmail` (text and HTML, configuration set) is all we use of either.
 */
const client = lazy(() => new SESClient(awsClientConfig));

/** SES takes tag values of ASCII letters, digits, `_` and `-` only (request ids are UUIDs). */
const tagValue = (id: string | undefined) => (id && /^[A-Za-z0-9_-]{1,256}$/.test(id) ? id : undefined);

/**
 * SES implementation of the Mailer port: one message, text and HTML, with a reply-to address when
 * given, unless the address is suppressed (it bounced for good or complained, see suppression.ts).
 * A suppressed address is skipped without an error: a throw would have a workflow, a timer or a
 * stream consumer retry, forever, a mail that must not go out.
 */
export const sesMailer: Mailer = {
  async send(email) {
    const suppressed = await suppressionOf(email.to);
    if (suppressed) {
      logger.warn('mail suppressed: not sent', {
        to: suppressed.address,
        reason: suppressed.reason,
        subType: suppressed.subType,
        suppressedAt: suppressed.suppressedAt,
      });
      return undefined;
    }
    const story = tagValue(correlationId());
    const result = await client.send(
      new SendEmailCommand({
        Source: requireEnv('MAIL_FROM'),
        Destination: { ToAddresses: [email.to] },
        ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
        ConfigurationSetName: requireEnv('SES_CONFIGURATION_SET'),
        ...(story ? { Tags: [{ Name: CORRELATION_TAG, Value: story }] } : {}),
        Message: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
        },
      }),
    );
    // SES's bounce and complaint events name this id: the line ties them to the request that sent it.
    // Never the subject or body: they may hold a link token.
    logger.info('mail sent', { messageId: result.MessageId, to: email.to });
    return result.MessageId ?? '';
  },
};
