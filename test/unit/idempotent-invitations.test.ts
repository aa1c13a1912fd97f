import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OrganizationRecord } from '../../functions/identity/domain/model.ts';
import type { LinkRecord } from '../../functions/platform/links/links.ts';
import { hashLinkToken } from '../../functions/platform/links/links.ts';
import type { LinkTokens, OutgoingEmail } from '../../functions/platform/ports.ts';
import {
  INVITATIONS_PER_HOUR,
  MAIL_LEASE_SECONDS,
  type RelationshipDeps,
  requestCustomerRelationship,
  resendInvitation,
} from '../../functions/relationships/domain/invitations.ts';
import type { InvitationRecord } from '../../functions/relationships/domain/model.ts';
import type { RelationshipStore } from '../../functions/relationships/ports.ts';
import { globalAdminOf, organizationRecord } from '../support/records.ts';

const START = new Date('2026-03-01T10:00:00Z');
const org = (id: string, partnerTypes: OrganizationRecord['partnerTypes']) =>
  organizationRecord(id, partnerTypes, START);
const RESELLER = org('r1', ['RESELLER']);
const OTHER_RESELLER = org('r2', ['RESELLER']);
const PROVIDER = org('p1', ['INDIRECT_PROVIDER']);
const OTHER_PROVIDER = org('p2', ['INDIRECT_PROVIDER']);

const adminOf = (orgId: string) => globalAdminOf(orgId, START);

/** HMAC-SHA256 under a test secret, as functions/adapters/link-secret.ts computes it under the real one. */
const testLinkTokens = (secret = 'unit-test-link-secret-0123456789abcdef'): LinkTokens => ({
  derive: async (label, parts) =>
    createHmac('sha256', secret)
      .update([label, ...parts].join('\n'))
      .digest(),
});

/**
 * The relationship store in memory, with the conditions DynamoDB checks (a create refuses an
 * existing invitation or link; a mail claim only when unsent and unclaimed or stale), and the
 * mailbox, counters and clock around it.
 */
function world() {
  const invitations = new Map<string, InvitationRecord>();
  const links = new Map<string, LinkRecord>();
  const counters = new Map<string, number>();
  const sent: OutgoingEmail[] = [];
  const failNextSends = { count: 0 };
  const calls = { count: 0, uncount: 0 };
  let now = START;
  const relationships: Partial<RelationshipStore> = {
    async createInvitation(inv, link) {
      await Promise.resolve(); // as a network call: concurrent requests interleave here
      if (invitations.has(inv.id) || links.has(link.tokenHash)) return false;
      invitations.set(inv.id, structuredClone(inv));
      links.set(link.tokenHash, structuredClone(link));
      return true;
    },
    getInvitation: async (id) => structuredClone(invitations.get(id)),
    async countInvitation(orgId, hour, limit) {
      calls.count++;
      const key = `${orgId}#${hour}`;
      const count = counters.get(key) ?? 0;
      if (count >= limit) return false;
      counters.set(key, count + 1);
      return true;
    },
    async uncountInvitation(orgId, hour) {
      calls.uncount++;
      const key = `${orgId}#${hour}`;
      counters.set(key, Math.max(0, (counters.get(key) ?? 0) - 1));
    },
    async claimInvitationMail(id, nowSeconds, staleBefore) {
      const inv = invitations.get(id);
      if (!inv || inv.mailedAt !== undefined) return false;
      if (inv.mailClaimedAt !== undefined && inv.mailClaimedAt > staleBefore) return false;
      inv.mailClaimedAt = nowSeconds;
      return true;
    },
    async settleInvitationMail(id, sentAt) {
      const inv = invitations.get(id);
      if (!inv) return;
      delete inv.mailClaimedAt;
      if (sentAt) inv.mailedAt = sentAt.toISOString();
    },
    async replaceInvitationLink(inv, link) {
      links.delete(inv.tokenHash);
      links.set(link.tokenHash, link);
      const stored = invitations.get(inv.id);
      if (stored) Object.assign(stored, { tokenHash: link.tokenHash, expiresAt: link.expiresAt });
    },
    getRelationship: async (orgId, kind, otherId) =>
      orgId === RESELLER.id && kind === 'PROVIDER' && [PROVIDER.id, OTHER_PROVIDER.id].includes(otherId)
        ? { organizationId: otherId }
        : undefined,
  };
  const orgs = [RESELLER, OTHER_RESELLER, PROVIDER, OTHER_PROVIDER];
  const deps = {
    relationships: relationships as RelationshipStore,
    identity: { getOrganization: async (id: string) => orgs.find((o) => o.id === id) },
    mailer: {
      async send(email: OutgoingEmail) {
        await Promise.resolve();
        if (failNextSends.count > 0) {
          failNextSends.count--;
          throw new Error('SES is unavailable');
        }
        sent.push(email);
        return `message-${sent.length}`;
      },
    },
    linkTokens: testLinkTokens(),
    clock: { now: () => now },
    publicBaseUrl: 'https://app.example',
  } as unknown as RelationshipDeps;
  return {
    deps,
    invitations,
    links,
    sent,
    failNextSends,
    calls,
    counted: (orgId = RESELLER.id) =>
      [...counters].reduce((n, [k, v]) => (k.startsWith(orgId) ? n + v : n), 0),
    /** Everything stored, as one string: what a leaked table would show. */
    stored: () => JSON.stringify({ invitations: [...invitations], links: [...links] }),
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

const body = (
  over: Partial<{ customerEmail: string; delegatedAdmin: boolean; send: boolean; locale: string }> = {},
) => ({
  customerEmail: 'boss@customer.example',
  delegatedAdmin: true,
  send: true,
  ...over,
});
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

describe('a customer relationship request with an Idempotency-Key', () => {
  it('answers a replay with the first response: same id and link, one email, one count, one invitation', async () => {
    const w = world();

    const first = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), {
      idempotencyKey: 'key-1',
    });
    w.advance(5);
    const again = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), {
      idempotencyKey: 'key-1',
    });

    expect(again).toEqual(first);
    expect(first.invitationId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(tokenOf(first.link)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]?.text).toContain(first.link);
    expect(w.counted()).toBe(1);
    expect(w.calls).toEqual({ count: 1, uncount: 0 }); // the replay never reached the counter
    expect(w.invitations.size).toBe(1);
    expect(w.links.size).toBe(1);
    expect(w.invitations.get(first.invitationId)?.mailedAt).toBe(START.toISOString());
  });

  it('stores only the hash of the derived token, and neither the key nor the token', async () => {
    const w = world();

    const first = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), {
      idempotencyKey: 'secret-looking-key-42',
    });

    const token = tokenOf(first.link);
    expect(w.stored()).not.toContain(token);
    expect(w.stored()).not.toContain('secret-looking-key-42');
    expect(w.stored()).toContain(hashLinkToken(token));
    expect(w.invitations.get(first.invitationId)?.tokenHash).toBe(hashLinkToken(token));
  });

  it.each([
    ['another customer email', { customerEmail: 'other@customer.example' }],
    ['another delegatedAdmin', { delegatedAdmin: false }],
    ['another send', { send: false }],
    ['another locale', { locale: 'es-ES' }],
  ])(
    'refuses the key with %s (IDEMPOTENCY_KEY_REUSED), writing, counting and sending nothing',
    async (_name, over) => {
      const w = world();
      await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'key-1' });
      const before = w.stored();

      const reused = requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(over), {
        idempotencyKey: 'key-1',
      });

      await expect(reused).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(w.stored()).toBe(before);
      expect(w.counted()).toBe(1);
      expect(w.sent).toHaveLength(1);
    },
  );

  it('makes a new invitation and link for each request without a key', async () => {
    const w = world();

    const one = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body());
    const two = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body());

    expect(two.invitationId).not.toBe(one.invitationId);
    expect(two.link).not.toBe(one.link);
    expect(w.sent).toHaveLength(2);
    expect(w.counted()).toBe(2);
    expect([...w.invitations.values()].every((i) => i.requestHash === undefined)).toBe(true);
  });

  it('derives per organization, per operation and per key', async () => {
    const w = world();
    const ask = (orgId: string, key: string, providerId?: string) =>
      requestCustomerRelationship(w.deps, adminOf(orgId), body({ send: false }), {
        idempotencyKey: key,
        ...(providerId ? { providerId } : {}),
      });

    const results = [
      await ask(RESELLER.id, 'key-1'),
      await ask(OTHER_RESELLER.id, 'key-1'),
      await ask(RESELLER.id, 'key-2'),
      await ask(RESELLER.id, 'key-1', PROVIDER.id),
    ];

    expect(new Set(results.map((r) => r.invitationId)).size).toBe(4);
    expect(new Set(results.map((r) => r.link)).size).toBe(4);
    // Another secret, another link: the token cannot be computed from the key alone.
    const elsewhere = world();
    elsewhere.deps.linkTokens = testLinkTokens('another-deployment-secret-0123456789');
    const there = await requestCustomerRelationship(
      elsewhere.deps,
      adminOf(RESELLER.id),
      body({ send: false }),
      {
        idempotencyKey: 'key-1',
      },
    );
    expect(there.link).not.toBe(results[0]?.link);
  });

  it('replays a combined invitation, and refuses its key for another provider', async () => {
    const w = world();
    const ask = (providerId: string) =>
      requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'k', providerId });

    const first = await ask(PROVIDER.id);
    const again = await ask(PROVIDER.id);

    expect(again).toEqual(first);
    expect(w.invitations.get(first.invitationId)?.kind).toBe('RESELLER_PROVIDER_CUSTOMER');
    await expect(ask(OTHER_PROVIDER.id)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(w.sent).toHaveLength(1);
    expect(w.counted()).toBe(1);
  });

  it('settles a race of two first requests by the conditional create: one invitation, counted once', async () => {
    const w = world();
    const ask = () =>
      requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body({ send: false }), {
        idempotencyKey: 'race',
      });

    const [a, b] = await Promise.all([ask(), ask()]);

    expect(b).toEqual(a);
    expect(w.invitations.size).toBe(1);
    expect(w.counted()).toBe(1);
  });

  it('sends one email when two first requests race with send: the loser replays or is told to retry', async () => {
    const w = world();
    const ask = () =>
      requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'race' });

    const results = await Promise.allSettled([ask(), ask()]);

    const answered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answered.map((r) => r.link)).size).toBe(1);
    for (const reason of refused) expect(reason).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    expect(w.sent).toHaveLength(1);
    expect(w.counted()).toBe(1);
    // Once the first has finished, a replay answers it.
    expect(await ask()).toEqual(answered[0]);
    expect(w.sent).toHaveLength(1);
  });

  it('sends the email on the retry when the first request could not, with the same link', async () => {
    const w = world();
    w.failNextSends.count = 1;

    const failed = requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'k' });
    await expect(failed).rejects.toThrow('SES is unavailable');
    expect(w.sent).toHaveLength(0);

    const retried = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), {
      idempotencyKey: 'k',
    });

    expect(w.sent).toHaveLength(1);
    expect(w.sent[0]?.text).toContain(retried.link);
    expect(w.invitations.size).toBe(1);
    expect(w.counted()).toBe(1);
    // And only once: the next replay sends nothing.
    await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'k' });
    expect(w.sent).toHaveLength(1);
  });

  it('waits for a first request that may still be sending, and takes over once its lease has passed', async () => {
    const w = world();
    // A first request that created the invitation and then stopped (its function timed out) before mailing.
    w.deps.mailer = { send: () => new Promise<string>(() => undefined) };
    void requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'k' });
    await new Promise((r) => setTimeout(r, 10));
    expect(w.invitations.size).toBe(1);
    const sent: OutgoingEmail[] = [];
    w.deps.mailer = {
      send: async (email) => {
        sent.push(email);
        return 'id';
      },
    };
    const replay = () =>
      requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), { idempotencyKey: 'k' });

    w.advance(MAIL_LEASE_SECONDS - 1);
    await expect(replay()).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    expect(sent).toHaveLength(0);

    w.advance(2);
    const answer = await replay();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toContain(answer.link);
    await replay();
    expect(sent).toHaveLength(1);
    expect(w.counted()).toBe(1);
  });

  it('replays the first response even after a re-send replaced the link, sending nothing', async () => {
    const w = world();
    const first = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), {
      idempotencyKey: 'k',
    });
    w.advance(3600);
    const resent = await resendInvitation(w.deps, adminOf(RESELLER.id), first.invitationId);
    expect(resent.link).not.toBe(first.link);

    const again = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body(), {
      idempotencyKey: 'k',
    });

    expect(again).toEqual(first);
    expect(w.sent).toHaveLength(2); // the first email and the re-send, nothing for the replay
  });

  it('replays without counting, even when the hour’s limit is reached', async () => {
    const w = world();
    const first = await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body({ send: false }), {
      idempotencyKey: 'k',
    });
    for (let i = 1; i < INVITATIONS_PER_HOUR; i++) {
      await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body({ send: false }));
    }
    await expect(
      requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body({ send: false })),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED' });

    expect(
      await requestCustomerRelationship(w.deps, adminOf(RESELLER.id), body({ send: false }), {
        idempotencyKey: 'k',
      }),
    ).toEqual(first);
    expect(w.counted()).toBe(INVITATIONS_PER_HOUR);
  });
});
