import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivityRecord } from '../../functions/platform/audit.ts';
import { PLATFORM_LOG } from '../../functions/platform/data/activity.ts';
import { keys } from '../../functions/platform/data/table.ts';
import { indirectProvider } from '../support/enrollment.ts';
import type { Account } from '../support/identity.ts';
import { emailsSince, waitForEmail } from '../support/mailbox.ts';
import { call, dynamo, env, eventually, runtime, tableName } from '../support/runtime.ts';

/** The operator's script, run as an operator runs it (its own process, the table from the environment). */
const unsuppressScript = (...args: string[]) =>
  promisify(execFile)('npx', ['tsx', 'scripts/mail-unsuppress.ts', ...args], {
    env: { ...process.env, ...env },
  });

/**
 * Mail reputation end to end: SES's bounce and complaint events (raised by the local SES for its
 * mailbox simulator's addresses, or POSTed to it as SES would send them) reach the `mail-feedback`
 * function through the default bus's rule; a permanent bounce or a complaint suppresses the
 * address, records MAIL_SUPPRESSED in the platform's log, and the mailer skips it from then on.
 */

/** A fresh label: simulator addresses take one (`bounce+<label>@…`), so each test has its own address. */
const label = () => randomUUID().slice(0, 8);
const nowSeconds = () => Math.floor(Date.now() / 1000);

const suppressionOf = async (address: string) =>
  (await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.suppressedAddress(address) }))).Item;

/** The MAIL_SUPPRESSED records of `address` in the platform's log (read from the table: no route shows that log). */
async function suppressionRecords(address: string): Promise<ActivityRecord[]> {
  return (await platformRecords(address)).filter((r) => r.operation === 'MAIL_SUPPRESSED');
}

/** Every record of `address` in the platform's log. */
async function platformRecords(address: string): Promise<ActivityRecord[]> {
  const records: ActivityRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'resourceId = :address',
        ExpressionAttributeValues: { ':pk': keys.activity(PLATFORM_LOG).pk, ':address': address },
        ExclusiveStartKey: start,
      }),
    );
    records.push(...((page.Items ?? []) as ActivityRecord[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}

/** Raises an SES event as SES would send it; resolves once its consumers have had it. */
async function raise(detailType: string, detail: object) {
  const res = await fetch(`${runtime.mailboxUrl}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ 'detail-type': detailType, detail }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; deliveries: Array<{ consumer: string; delivered: boolean }> };
}

/** An SES bounce event's detail for one recipient. */
const bounceDetail = (bounceType: 'Permanent' | 'Transient', address: string) => {
  const timestamp = new Date().toISOString();
  return {
    eventType: 'Bounce',
    mail: {
      timestamp,
      source: 'no-reply@csp-partner-platform.local',
      messageId: `injected-${label()}`,
      destination: [address],
    },
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'NoEmail' : 'MailboxFull',
      bouncedRecipients: [{ emailAddress: address, action: 'failed', status: '5.1.1' }],
      timestamp,
      feedbackId: `feedback-${label()}`,
    },
  };
};

describe('mail reputation', () => {
  let provider: Account;
  const invite = (email: string) =>
    call('POST', '/indirect-resellers/invitations', { token: provider.token, body: { email } });

  beforeAll(async () => {
    provider = await indirectProvider();
  });

  it('suppresses an address that bounced for good, records it, and skips the next mail to it', async () => {
    const since = nowSeconds();
    const address = `bounce+${label()}@simulator.amazonses.com`;

    const first = await invite(address);

    expect(first.status).toBe(201);
    const sent = await waitForEmail(address, { since });
    const suppression = await eventually(() => suppressionOf(address), 15_000, 'the suppression');
    expect(suppression).toMatchObject({
      address,
      reason: 'BOUNCE',
      subType: 'General',
      messageId: sent.messageId,
    });
    expect(await suppressionRecords(address)).toEqual([
      expect.objectContaining({
        organizationId: PLATFORM_LOG,
        operation: 'MAIL_SUPPRESSED',
        resourceType: 'mailAddress',
        resourceId: address,
        actor: { kind: 'SYSTEM' },
        changes: { reason: [null, 'BOUNCE'], subType: [null, 'General'], messageId: [null, sent.messageId] },
        // The mail carried the story's id as a tag, SES's event hands it back: the bounce is part of
        // the invitation request's story.
        requestId: first.headers.get('x-amzn-requestid'),
      }),
    ]);

    // The next invitation to it is made, but its mail is not sent; another address's mail is.
    const other = `ana-${label()}@example.com`;
    const second = await invite(address);
    const toOther = await invite(other);

    expect(second.status).toBe(201);
    expect(toOther.status).toBe(201);
    await waitForEmail(other, { since });
    const toAddress = (await emailsSince(since)).filter((m) => m.destination.to.includes(address));
    expect(toAddress.map((m) => m.messageId)).toEqual([sent.messageId]);
  });

  it('suppresses an address that complained', async () => {
    const since = nowSeconds();
    const address = `complaint+${label()}@simulator.amazonses.com`;

    expect((await invite(address)).status).toBe(201);

    const sent = await waitForEmail(address, { since });
    const suppression = await eventually(() => suppressionOf(address), 15_000, 'the suppression');
    expect(suppression).toMatchObject({ reason: 'COMPLAINT', subType: 'abuse', messageId: sent.messageId });
    expect(await suppressionRecords(address)).toHaveLength(1);
  });

  it('suppresses nothing for a transient bounce, and goes on mailing the address', async () => {
    const since = nowSeconds();
    const address = `ana-${label()}@example.com`;

    const raised = await raise('Email Bounced', bounceDetail('Transient', address));

    expect(raised.deliveries).toEqual([{ consumer: 'mail-feedback', delivered: true }]);
    expect(await suppressionOf(address)).toBeUndefined();
    expect(await suppressionRecords(address)).toEqual([]);
    expect((await invite(address)).status).toBe(201);
    await waitForEmail(address, { since });
  });

  it('records a report once, however often SES delivers it', async () => {
    const address = `Bo-${label()}@Example.com`;
    const detail = bounceDetail('Permanent', address);

    const together = await Promise.all([raise('Email Bounced', detail), raise('Email Bounced', detail)]);
    const later = await raise('Email Bounced', detail);

    for (const raised of [...together, later])
      expect(raised.deliveries).toEqual([{ consumer: 'mail-feedback', delivered: true }]);
    const lowerCased = address.toLowerCase();
    expect(await suppressionOf(lowerCased)).toMatchObject({
      address: lowerCased,
      reason: 'BOUNCE',
      subType: 'NoEmail',
      feedbackId: detail.bounce.feedbackId,
    });
    expect(await suppressionRecords(lowerCased)).toHaveLength(1);
  });

  it('mails an address again once an operator lifts its suppression, and records who did', async () => {
    const since = nowSeconds();
    const address = `dee-${label()}@example.com`;
    await raise('Email Bounced', bounceDetail('Permanent', address));
    expect(await suppressionOf(address)).toBeDefined();

    const lifted = await unsuppressScript('--email', address, '--by', 'ops@platform.example');

    expect(lifted.stdout).toContain(`${address} may be mailed again`);
    expect(await suppressionOf(address)).toBeUndefined();
    const records = await eventually(async () => {
      const found = (await platformRecords(address)).filter((r) => r.operation === 'MAIL_UNSUPPRESSED');
      return found.length > 0 ? found : undefined;
    });
    expect(records).toEqual([
      expect.objectContaining({
        resourceId: address,
        actor: { kind: 'OPERATOR', email: 'ops@platform.example' },
      }),
    ]);
    expect((await invite(address)).status).toBe(201);
    await waitForEmail(address, { since });
    // Again: nothing to lift, nothing written, and the script says so with its exit code.
    await expect(unsuppressScript('--email', address)).rejects.toMatchObject({ code: 1 });
  });
});
