import { randomBytes, randomUUID } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { DomainError } from '../../platform/errors.ts';
import type { Clock, SecretBox } from '../../platform/ports.ts';
import type { DeliveryStore, WebhookRecord, WebhookStore } from '../ports.ts';

export interface WebhookDeps {
  webhooks: WebhookStore;
  deliveries: Pick<DeliveryStore, 'list'>;
  /** Only the create wires it (the `webhookKey` resource). */
  secrets: SecretBox;
  clock: Clock;
  /** Only the local runtime sets it (WEBHOOKS_ALLOW_LOOPBACK=1): `http://127.0.0.1` receivers. */
  allowLoopback?: boolean;
}

type Caller = { user: { id: string; orgId: string } };

/**
 * Why a webhook URL is refused at registration, or undefined. No name lookup here (a name can
 * point anywhere later): the URL as written must be https, hold no credentials, and name a host
 * that is not an IP literal, this machine or a single-label (intranet) name. Deliveries check
 * the resolved address again.
 */
export function webhookUrlProblem(raw: string, allowLoopback = false): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL, such as https://hooks.contoso.com/csp';
  }
  if (
    allowLoopback &&
    url.protocol === 'http:' &&
    url.hostname === '127.0.0.1' &&
    !url.username &&
    !url.password
  )
    return undefined;
  if (url.protocol !== 'https:') return 'must use https';
  if (url.username || url.password)
    return 'must not hold credentials; the signature authenticates deliveries';
  // The URL parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host))
    return 'must name a host, not an IP address (private, loopback and link-local addresses are refused)';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at localhost';
  if (!host.includes('.')) return 'must name a public host (a fully qualified domain name)';
  return undefined;
}

/** Another organization's webhook, or none: the same answer. */
export const webhookNotFound = () =>
  new DomainError('NOT_FOUND', 'No webhook of your organization has this id; list them with GET /webhooks.');

/** Addresses a delivery never connects to: private, shared (CGNAT), loopback, link-local, multicast, reserved. */
const NOT_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6');

/**
 * Why a delivery must not connect to `address` (what the webhook's host name resolved to at
 * delivery time), or undefined. Checked on the address actually connected to, so a name that
 * resolved to a public address at registration and to an internal one now (DNS rebinding) is
 * refused. IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function addressProblem(address: string, allowLoopback = false): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip);
  if (family === 0) return `${address} is not an IP address`;
  if (allowLoopback && ip === '127.0.0.1') return undefined;
  if (NOT_PUBLIC.check(ip, family === 4 ? 'ipv4' : 'ipv6'))
    return `resolves to ${address}, which is not a public address`;
  return undefined;
}

/** POST /webhooks: the secret is made here, shown once in the answer, and stored sealed only. */
export async function createWebhook(
  deps: WebhookDeps,
  caller: Caller,
  input: { url: string; events: string[] },
): Promise<{ webhookId: string; secret: string }> {
  const problem = webhookUrlProblem(input.url, deps.allowLoopback);
  if (problem)
    throw new DomainError('VALIDATION_FAILED', `The webhook URL ${problem}.`, {
      errors: [{ path: 'body.url', message: problem }],
    });
  const webhookId = randomUUID();
  const orgId = caller.user.orgId;
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const webhook: WebhookRecord = {
    id: webhookId,
    orgId,
    url: input.url,
    events: [...new Set(input.events)],
    sealedSecret: await deps.secrets.seal(secret, { webhookId, organizationId: orgId }),
    createdAt: deps.clock.now().toISOString(),
    createdBy: caller.user.id,
  };
  await deps.webhooks.create(webhook);
  return { webhookId, secret };
}

/** GET /webhooks: the organization's webhooks, never their secrets. */
export const listWebhooks = (
  deps: Pick<WebhookDeps, 'webhooks'>,
  caller: Caller,
  limit: number,
  cursor?: string,
) => deps.webhooks.list(caller.user.orgId, limit, cursor);

/** DELETE /webhooks/{id}: another organization's webhook is NOT_FOUND. */
export async function deleteWebhook(deps: Pick<WebhookDeps, 'webhooks'>, caller: Caller, webhookId: string) {
  if (!(await deps.webhooks.delete(caller.user.orgId, webhookId))) throw webhookNotFound();
}

/** GET /webhooks/{id}/deliveries: another organization's webhook is NOT_FOUND. */
export async function listDeliveries(
  deps: Pick<WebhookDeps, 'webhooks' | 'deliveries'>,
  caller: Caller,
  webhookId: string,
  limit: number,
  cursor?: string,
) {
  const webhook = await deps.webhooks.get(caller.user.orgId, webhookId);
  if (!webhook) throw webhookNotFound();
  return deps.deliveries.list(webhook, limit, cursor);
}
