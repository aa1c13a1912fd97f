import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { approvedReseller, indirectProvider } from '../support/enrollment.ts';
import { type Account, uniqueDomain, verifiedAccount } from '../support/identity.ts';
import { emailsSince, linksIn } from '../support/mailbox.ts';
import { accept, allPages, linkProviderAndReseller, tokenOf } from '../support/relationships.ts';
import { call, dynamo, runtime, tableName } from '../support/runtime.ts';

/**
 * Every item of the local table, as JSON: what a leaked table would show. Tests may Scan;
 * the platform never does.
 */
async function wholeTable(): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');
const hourOf = (d: Date) => d.toISOString().slice(0, 13);

/** The reseller's invitations counted this hour and, if the hour turned meanwhile, the next. */
async function counted(orgId: string, since: Date): Promise<number> {
  const hours = new Set([hourOf(since), hourOf(new Date())]);
  let total = 0;
  for (const hour of hours) {
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.invitationCounter(orgId, hour) }),
    );
    total += Number(Item?.sent ?? 0);
  }
  return total;
}

/** The invitation emails (those with an invitation link: not the account's own verification) to `email`. */
const invitationMailTo = async (email: string, since: number) =>
  (await emailsSince(since)).filter(
    (m) =>
      m.destination.to.some((t) => t.toLowerCase() === email) &&
      linksIn(m).some((l) => l.startsWith(`${runtime.apiUrl}/invitations/accept?token=`)),
  );

describe('customer invitations with an Idempotency-Key', () => {
  let provider: Account;
  let reseller: Account;
  beforeAll(async () => {
    [provider, reseller] = await Promise.all([indirectProvider(), approvedReseller()]);
    await linkProviderAndReseller(provider, reseller);
  }, 120_000);

  const sentTo = async (email: string) =>
    (await allPages('/invitations?direction=sent', reseller.token, 100)).filter((i) => i.email === email);

  describe.each([
    ['POST /customers/relationship-requests', () => '/customers/relationship-requests', 'RESELLER_CUSTOMER'],
    [
      'POST /indirect-providers/{providerId}/customer-invitations',
      () => `/indirect-providers/${provider.orgId}/customer-invitations`,
      'RESELLER_PROVIDER_CUSTOMER',
    ],
  ])('%s', (_name, path, kind) => {
    it('replays the first response and sends one email; only the hash of the link token rests in the table', async () => {
      const customer = await verifiedAccount(uniqueDomain('idem'));
      const key = randomUUID();
      const startedAt = new Date();
      const since = Math.floor(startedAt.getTime() / 1000) - 1;
      const countedBefore = await counted(reseller.orgId, startedAt);
      const post = (body: unknown) =>
        call('POST', path(), { token: reseller.token, body, headers: { 'Idempotency-Key': key } });

      const first = await post({ customerEmail: customer.email, send: true });
      // The same request, spelled differently: defaults written out, fields in another order.
      const replay = await post({
        send: true,
        delegatedAdmin: true,
        customerEmail: customer.email.toUpperCase(),
      });

      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(replay.status, JSON.stringify(replay.body)).toBe(201);
      expect(replay.body).toEqual(first.body);
      const { invitationId, link } = first.body as { invitationId: string; link: string };
      const mails = await invitationMailTo(customer.email, since);
      expect(mails).toHaveLength(1);
      expect(linksIn(mails[0] as (typeof mails)[number])).toContain(link);
      const sent = await sentTo(customer.email);
      expect(sent.map((i) => [i.invitationId, i.kind])).toEqual([[invitationId, kind]]);
      expect((await counted(reseller.orgId, startedAt)) - countedBefore).toBe(1);

      const token = tokenOf(link);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const table = await wholeTable();
      expect(table).not.toContain(token);
      expect(table).not.toContain(key);
      expect(table).toContain(sha256(token));

      // The derived link is a working link.
      const accepted = await accept(token, customer);
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      expect(accepted.body).toEqual({ status: 'ACCEPTED', invitationId });
    });

    it('refuses the key with another customer email (422 IDEMPOTENCY_KEY_REUSED) and writes nothing', async () => {
      const key = randomUUID();
      const email = `boss@${uniqueDomain('idem')}`;
      const otherEmail = `other@${uniqueDomain('idem')}`;
      const startedAt = new Date();
      const since = Math.floor(startedAt.getTime() / 1000) - 1;
      const post = (customerEmail: string) =>
        call('POST', path(), {
          token: reseller.token,
          body: { customerEmail, send: true },
          headers: { 'Idempotency-Key': key },
        });
      const first = await post(email);
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const countedBefore = await counted(reseller.orgId, startedAt);
      const sentBefore = (await allPages('/invitations?direction=sent', reseller.token, 100)).map(
        (i) => i.invitationId,
      );

      const reused = await post(otherEmail);

      expect(reused.status, JSON.stringify(reused.body)).toBe(422);
      expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(
        (await allPages('/invitations?direction=sent', reseller.token, 100)).map((i) => i.invitationId),
      ).toEqual(sentBefore);
      expect(await counted(reseller.orgId, startedAt)).toBe(countedBefore);
      expect(await invitationMailTo(otherEmail, since)).toHaveLength(0);
      expect(await invitationMailTo(email, since)).toHaveLength(1);
      expect(await wholeTable()).not.toContain(otherEmail);
    });
  });

  it('still makes a new invitation and link for each request without the header', async () => {
    const email = `boss@${uniqueDomain('idem')}`;
    const post = () =>
      call('POST', '/customers/relationship-requests', {
        token: reseller.token,
        body: { customerEmail: email },
      });

    const [one, two] = [await post(), await post()];

    expect([one.status, two.status]).toEqual([201, 201]);
    expect(two.body.invitationId).not.toBe(one.body.invitationId);
    expect(two.body.link).not.toBe(one.body.link);
    expect(await sentTo(email)).toHaveLength(2);
  });

  it('refuses an Idempotency-Key over 200 characters, creating nothing', async () => {
    const email = `boss@${uniqueDomain('idem')}`;

    const res = await call('POST', '/customers/relationship-requests', {
      token: reseller.token,
      body: { customerEmail: email },
      headers: { 'Idempotency-Key': 'k'.repeat(201) },
    });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'headers.idempotency-key', message: 'must be at most 200 characters' }],
    });
    expect(await sentTo(email)).toHaveLength(0);
  });
});
