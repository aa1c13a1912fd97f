import { AsyncLocalStorage } from 'node:async_hooks';

/** Who made a change: a partner or customer user, an operator, or the platform itself (workflow steps, timers). */
export interface Actor {
  kind: 'USER' | 'OPERATOR' | 'SYSTEM';
  userId?: string;
  email?: string;
}

/** One change of state, as API.md's activity log shows it. Never a password, token, hash or secret. */
export interface ActivityRecord {
  activityId: string;
  at: string;
  /** The organization whose log it is in. */
  organizationId: string;
  /** The customer organization the change was made in, when a partner acted there. */
  customerId?: string;
  actor: Actor;
  /** e.g. USER_CREATED, INVITATION_ACCEPTED, ENROLLMENT_APPROVED. */
  operation: string;
  resourceType: string;
  resourceId: string;
  /** Changed fields only: `{ field: [before, after] }`. */
  changes?: Record<string, [unknown, unknown]>;
  requestId: string;
}

/** What every activity record of one request or task shares. */
export interface AuditContext {
  actor: Actor;
  requestId: string;
}

const SYSTEM: AuditContext = { actor: { kind: 'SYSTEM' }, requestId: 'system' };
const current = new AsyncLocalStorage<AuditContext>();

/**
 * Runs `work` as `context`: the HTTP stack sets the verified caller and the request id for the
 * handler it runs, so a store records who did what without every signature carrying it. Outside
 * of a request (workflow steps, timers) the actor is SYSTEM.
 */
export const asActor = <T>(context: AuditContext, work: () => Promise<T>) => current.run(context, work);

/**
 * The caller became known inside the handler (an emailed link's page form signed in with an email
 * and password): the rest of the request's records name that user.
 */
export function identifyActor(actor: Actor): void {
  const context = current.getStore();
  if (context) context.actor = actor;
}

export const auditContext = (): AuditContext => current.getStore() ?? SYSTEM;
