import { mailGlobalAdmins } from '../../identity/domain/admins.ts';
import { logger } from '../../platform/logger.ts';
import { termNoticeEmail } from '../emails/term-notice.ts';
import type { SubscriptionRecord, SubscriptionTimer } from '../ports.ts';
import type { CommerceDeps } from './orders.ts';
import { armTerm, termFrom } from './terms.ts';

type Deps = Pick<CommerceDeps, 'commerce' | 'organizations' | 'timers' | 'mailer' | 'clock'>;

const ended = (s: SubscriptionRecord) => s.status === 'CANCELED' || s.status === 'EXPIRED';

/**
 * Seven days before the end: the customer's global admins and the reseller of record's are told
 * what will happen (renewal or end), once per term. Emails go out before the notice is marked
 * sent: a failure is retried by Scheduler, at the cost of a rare second email rather than a lost one.
 */
async function notice(deps: Deps, s: SubscriptionRecord) {
  if (s.noticeSentFor === s.termEndDate) return;
  const customer = await deps.organizations.getOrganization(s.customerId);
  const params = {
    customerName: customer?.name ?? s.customerId,
    resellerName: s.resellerOfRecord.name,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    subscriptionId: s.subscriptionId,
    quantity: s.quantity,
    termEndDate: new Date(s.termEndDate),
    outcome: s.status === 'ACTIVE' && s.autoRenew ? ('RENEWS' as const) : ('EXPIRES' as const),
    termDuration: s.termDuration,
  };
  await Promise.all(
    (['customer', 'reseller'] as const).map((audience) =>
      mailGlobalAdmins(
        deps,
        audience === 'customer' ? s.customerId : s.resellerOfRecord.organizationId,
        (language) => termNoticeEmail(language, { audience, ...params }),
        { subscriptionId: s.subscriptionId },
      ),
    ),
  );
  await deps.commerce.claimNotice(s);
}

/**
 * At the end of a term: an active subscription with autoRenew starts a new term of the same
 * length and quantity (a new cancellation window); any other ends EXPIRED, its licenses released.
 * A conditional write on the version read: a concurrent change makes the step fail and Scheduler
 * call it again, to decide on what is stored then.
 */
async function termEnd(deps: Deps, s: SubscriptionRecord) {
  const updatedAt = deps.clock.now().toISOString();
  const renews = s.status === 'ACTIVE' && s.autoRenew;
  const after: SubscriptionRecord = renews
    ? { ...s, ...termFrom(new Date(s.termEndDate), s.termDuration), version: s.version + 1, updatedAt }
    : { ...s, status: 'EXPIRED', assignedLicenses: 0, version: s.version + 1, updatedAt };
  delete after.noticeSentFor;
  const operation = renews ? 'SUBSCRIPTION_RENEWED' : 'SUBSCRIPTION_EXPIRED';
  if (!(await deps.commerce.updateSubscription(s, after, operation, s.providerId)))
    throw new Error(
      `Subscription ${s.subscriptionId} changed while its term ended; retrying on what is stored`,
    );
  if (renews) await armTerm(deps.timers, after);
}

/**
 * The subscription-terms task: one timer fired. It re-reads the subscription and acts only if the
 * timer is still about its current term.
 */
export async function runSubscriptionTimer(deps: Deps, timer: SubscriptionTimer) {
  const s = await deps.commerce.getSubscription(timer.customerId, timer.subscriptionId);
  if (!s || ended(s)) return { done: 'nothing: the subscription has ended' };
  if (s.termEndDate !== timer.termEndDate) {
    // A late call of an earlier term (e.g. a retry after the renewal was written but its timers
    // were not): make sure the current term's timers exist.
    await armTerm(deps.timers, s);
    return { done: 'nothing: the term moved on' };
  }
  if (timer.kind === 'NOTICE') await notice(deps, s);
  else await termEnd(deps, s);
  logger.info('Subscription timer handled', { ...timer });
  return { done: timer.kind };
}
