import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { lazy, requireEnv } from '../config.ts';
import type { Mailer } from '../domain/ports.ts';
import { awsClientConfig } from './aws.ts';

const client = lazy(() => new SESv2Client(awsClientConfig));

/** SES (v2 API) implementation of the Mailer port: one message, text and HTML. */
export const sesMailer: Mailer = {
  async send(email) {
    const configurationSet = requireEnv('SES_CONFIGURATION_SET');
    const result = await client.send(
      new SendEmailCommand({
        FromEmailAddress: requireEnv('MAIL_FROM'),
        Destination: { ToAddresses: [email.to] },
        ConfigurationSetName: configurationSet,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: email.text, Charset: 'UTF-8' },
              Html: { Data: email.html, Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
    return result.MessageId ?? '';
  },
};
