import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';
import type { Clock, SecretBox } from '../../platform/ports.ts';
import type { WebhookRecord, WebhookStore } from '../ports.ts';

export interface WebhookDeps {
  webhooks: WebhookStore;
  /** Only the create wires it (the `webhookKey` resource). */
  secrets: SecretBox;
  clock: Clock;
}

type Caller = { user: { id: string; orgId: string } };

/**
 * Why a webhook URL is refused at registration, or undefined. No name lookup here (a name can
 * point anywhere later): the URL as written must be https, hold no credentials, and name a host
 * that is not an IP literal, this machine or a single-label (intranet) name. Deliveries check
 * the resolved address again.
 */
export function webhookUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL, such as https://hooks.contoso.com/csp';
  }
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

/** POST /webhooks: the secret is made here, shown once in the answer, and stored sealed only. */
export async function createWebhook(
  deps: WebhookDeps,
  caller: Caller,
  input: { url: string; events: string[] },
): Promise<{ webhookId: string; secret: string }> {
  const problem = webhookUrlProblem(input.url);
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
  if (!(await deps.webhooks.delete(caller.user.orgId, webhookId)))
    throw new DomainError(
      'NOT_FOUND',
      'No webhook of your organization has this id; list them with GET /webhooks.',
    );
}
