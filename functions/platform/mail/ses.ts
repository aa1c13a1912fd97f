import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import type { Mailer } from '../ports.ts';

/**
 * The SES API's first version: its client is about 55 KB smaller in every bundle that sends
 * mail than the v2 one, and `SendEmail` (text and HTML, configuration set) is all we use of either.
 */
const client = lazy(() => new SESClient(awsClientConfig));

/** SES implementation of the Mailer port: one message, text and HTML, with a reply-to address when given. */
export const sesMailer: Mailer = {
  async send(email) {
    const result = await client.send(
      new SendEmailCommand({
        Source: requireEnv('MAIL_FROM'),
        Destination: { ToAddresses: [email.to] },
        ...(email.replyTo ? { ReplyToAddresses: [email.replyTo] } : {}),
        ConfigurationSetName: requireEnv('SES_CONFIGURATION_SET'),
        Message: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: email.text, Charset: 'UTF-8' },
            Html: { Data: email.html, Charset: 'UTF-8' },
          },
        },
      }),
    );
    return result.MessageId ?? '';
  },
};
