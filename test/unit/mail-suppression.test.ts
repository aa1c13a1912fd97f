import { beforeAll, describe, expect, it, vi } from 'vitest';
import { isDomainError } from '../../functions/platform/errors.ts';
import { parseMailFeedback } from '../../functions/platform/events/mail-feedback.ts';
import {
  type MailFeedback,
  suppressionsOf,
  suppressionWrites,
} from '../../functions/platform/mail/suppression.ts';
import { simulatorEvent } from '../../infra/local/mailbox.ts';

const NOW = new Date('2026-05-04T10:00:00.000Z');

/** An SES "Email Bounced" event as EventBridge delivers it, with the parts the platform ignores too. */
const bounceEvent = (bounceType: string, recipients: string[], over: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e1',
  'detail-type': 'Email Bounced',
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-05-04T09:59:59Z',
  region: 'eu-west-1',
  resources: [],
  detail: {
    eventType: 'Bounce',
    mail: {
      timestamp: '2026-05-04T09:59:50.000Z',
      source: 'no-reply@platform.example',
      messageId: 'msg-1',
      destination: recipients,
      tags: { 'ses:configuration-set': ['platform'] },
      headers: [{ name: 'Subject', value: 'Your link' }],
    },
    bounce: {
      bounceType,
      bounceSubType: 'General',
      bouncedRecipients: recipients.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown (token=abc)',
      })),
      timestamp: '2026-05-04T09:59:55.000Z',
      feedbackId: 'fb-1',
      reportingMTA: 'dsn; mta.example',
    },
    ...over,
  },
});

const complaintEvent = (recipients: string[], feedbackType?: string) => ({
  source: 'aws.ses',
  'detail-type': 'Email Complaint Received',
  detail: {
    eventType: 'Complaint',
    mail: { messageId: 'msg-2', destination: recipients },
    complaint: {
      complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
      ...(feedbackType ? { complaintFeedbackType: feedbackType } : {}),
      timestamp: '2026-05-04T09:58:00.000Z',
      feedbackId: 'fb-2',
    },
  },
});

/** The DomainError a call throws (fails the test when it throws nothing or something else). */
function refusal(call: () => unknown) {
  try {
    call();
  } catch (error) {
    if (isDomainError(error, 'VALIDATION_FAILED')) return error;
    throw error;
  }
  throw new Error('expected VALIDATION_FAILED, nothing was thrown');
}

describe('which addresses an SES report suppresses', () => {
  it('suppresses every recipient of a permanent bounce, lower-cased and once each', () => {
    const feedback = parseMailFeedback(
      bounceEvent('Permanent', ['Ana@Contoso.Example', 'ana@contoso.example', 'bo@x.example']),
    );

    expect(suppressionsOf(feedback, NOW)).toEqual([
      {
        address: 'ana@contoso.example',
        reason: 'BOUNCE',
        subType: 'General',
        messageId: 'msg-1',
        feedbackId: 'fb-1',
        reportedAt: '2026-05-04T09:59:55.000Z',
        suppressedAt: NOW.toISOString(),
      },
      expect.objectContaining({ address: 'bo@x.example', reason: 'BOUNCE' }),
    ]);
  });

  it('suppresses nothing for a transient or undetermined bounce', () => {
    for (const bounceType of ['Transient', 'Undetermined'])
      expect(
        suppressionsOf(parseMailFeedback(bounceEvent(bounceType, ['ana@contoso.example'])), NOW),
      ).toEqual([]);
  });

  it('suppresses every recipient of a complaint, with its feedback type when SES gives one', () => {
    expect(suppressionsOf(parseMailFeedback(complaintEvent(['Cy@Fabrikam.Example'], 'abuse')), NOW)).toEqual([
      {
        address: 'cy@fabrikam.example',
        reason: 'COMPLAINT',
        subType: 'abuse',
        messageId: 'msg-2',
        feedbackId: 'fb-2',
        reportedAt: '2026-05-04T09:58:00.000Z',
        suppressedAt: NOW.toISOString(),
      },
    ]);
    const [withoutType] = suppressionsOf(parseMailFeedback(complaintEvent(['cy@fabrikam.example'])), NOW);
    expect(withoutType).not.toHaveProperty('subType');
  });
});

describe('reading an SES event', () => {
  it('keeps only what the platform reads: never the diagnostic text or the headers', () => {
    const feedback = parseMailFeedback(bounceEvent('Permanent', ['ana@contoso.example']));

    expect(feedback).toEqual({
      eventType: 'Bounce',
      // The tags too: ours names the story that sent the mail (ses.ts).
      mail: { messageId: 'msg-1', tags: { 'ses:configuration-set': ['platform'] } },
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'ana@contoso.example' }],
        timestamp: '2026-05-04T09:59:55.000Z',
        feedbackId: 'fb-1',
      },
    } satisfies MailFeedback);
  });

  it('refuses a malformed event, naming each field at fault', () => {
    const noFeedbackId = bounceEvent('Permanent', ['ana@contoso.example']);
    noFeedbackId.detail.bounce = { ...noFeedbackId.detail.bounce, feedbackId: '' };
    const error = refusal(() => parseMailFeedback(noFeedbackId));
    expect(error.errors?.map((e) => e.path)).toEqual(['event.detail.bounce.feedbackId']);
    expect(error.message).toMatch(
      /^Not an SES bounce or complaint event: event\.detail\.bounce\.feedbackId: /,
    );

    expect(refusal(() => parseMailFeedback(bounceEvent('Permanent', []))).errors?.map((e) => e.path)).toEqual(
      ['event.detail.bounce.bouncedRecipients'],
    );
    expect(
      refusal(() => parseMailFeedback(bounceEvent('Permanent', ['not an address']))).errors?.map(
        (e) => e.path,
      ),
    ).toEqual(['event.detail.bounce.bouncedRecipients.0.emailAddress']);
    expect(refusal(() => parseMailFeedback(bounceEvent('Soft', ['a@b.example']))).errors?.[0]?.path).toBe(
      'event.detail.bounce.bounceType',
    );
    // Another kind of SES event, another source, or no event at all.
    expect(
      refusal(() => parseMailFeedback(bounceEvent('Permanent', ['a@b.example'], { eventType: 'Delivery' })))
        .errors?.[0]?.path,
    ).toBe('event.detail.eventType');
    expect(
      refusal(() => parseMailFeedback({ ...complaintEvent(['a@b.example']), source: 'csp.partner-platform' }))
        .errors?.[0]?.path,
    ).toBe('event.source');
    expect(refusal(() => parseMailFeedback(undefined)).errors?.length).toBeGreaterThan(0);
  });
});

describe('the writes of a suppression', () => {
  beforeAll(() => {
    vi.stubEnv('TABLE_NAME', 'unit-test-table');
  });

  it('put the address unless it is suppressed already, with its MAIL_SUPPRESSED record in the platform log', () => {
    const [suppression] = suppressionsOf(
      parseMailFeedback(bounceEvent('Permanent', ['Ana@Contoso.Example'])),
      NOW,
    );
    if (!suppression) throw new Error('no suppression');

    const [put, record] = suppressionWrites(suppression);

    expect(put).toEqual({
      Put: {
        TableName: 'unit-test-table',
        Item: expect.objectContaining({
          pk: 'SUPPRESSED#ana@contoso.example',
          sk: 'SUPPRESSED',
          type: 'suppressedAddress',
          reason: 'BOUNCE',
          feedbackId: 'fb-1',
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
    expect(record?.Put.Item).toMatchObject({
      pk: 'ORG#PLATFORM#ACTIVITY',
      type: 'activity',
      organizationId: 'PLATFORM',
      operation: 'MAIL_SUPPRESSED',
      resourceType: 'mailAddress',
      resourceId: 'ana@contoso.example',
      actor: { kind: 'SYSTEM' },
      at: NOW.toISOString(),
      changes: { reason: [null, 'BOUNCE'], subType: [null, 'General'], messageId: [null, 'msg-1'] },
    });
    expect(JSON.stringify([put, record])).not.toMatch(/smtp|token=abc/);
  });
});

describe('the local mailbox simulator', () => {
  const send = (address: string) =>
    simulatorEvent({
      address,
      messageId: 'local-1',
      source: 'no-reply@platform.local',
      destination: [address],
      configurationSet: 'local',
      at: NOW,
    });
  const asDelivered = (event: ReturnType<typeof send>) => ({
    source: 'aws.ses',
    'detail-type': event?.detailType,
    detail: event?.detail,
  });

  it('raises the events SES raises for its bounce and complaint addresses, labels included, and reads as SES’s', () => {
    const bounce = send('bounce+t1@simulator.amazonses.com');
    const complaint = send('complaint@simulator.amazonses.com');

    expect(bounce?.detailType).toBe('Email Bounced');
    expect(suppressionsOf(parseMailFeedback(asDelivered(bounce)), NOW)).toEqual([
      expect.objectContaining({
        address: 'bounce+t1@simulator.amazonses.com',
        reason: 'BOUNCE',
        messageId: 'local-1',
      }),
    ]);
    expect(complaint?.detailType).toBe('Email Complaint Received');
    expect(suppressionsOf(parseMailFeedback(asDelivered(complaint)), NOW)).toEqual([
      expect.objectContaining({ reason: 'COMPLAINT', subType: 'abuse' }),
    ]);
    expect(send('success@simulator.amazonses.com')).toBeUndefined();
    expect(send('bounce@example.com')).toBeUndefined();
  });
});
