import { randomUUID } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';
import { type AdminRole, type AgentRole, hasSomeRole } from '../../platform/roles.ts';
import { emailOnDomain } from '../../platform/webmail.ts';
import type { IdentityDeps } from './accounts.ts';
import { identityErrors, type Principal, type UserRecord } from './model.ts';
import { generateTemporaryPassword, temporaryPasswordVerifier } from './passwords.ts';

const ONLY_GLOBAL_ADMINS =
  'Only a global admin can grant the global admin role or change, reset or delete a global admin.';

/** Global admins are managed by global admins only; user management admins manage everyone else. */
function assertMayManage(actor: Principal, target: { adminRole: AdminRole }) {
  if (target.adminRole === 'GLOBAL_ADMIN' && actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', ONLY_GLOBAL_ADMINS);
}

/** A user of the actor's organization; any other id is 404, so ids of other tenants cannot be probed. */
export async function userOfOrganization(
  deps: IdentityDeps,
  actor: Principal,
  userId: string,
): Promise<UserRecord> {
  const user = await deps.store.getUser(userId);
  if (!user || user.orgId !== actor.user.orgId)
    throw new DomainError('NOT_FOUND', 'No user with this id in your organization.');
  return user;
}

export function listUsers(deps: IdentityDeps, actor: Principal, limit: number, cursor?: string) {
  return deps.store.listUsers(actor.user.orgId, limit, cursor);
}

/** POST /users: the temporary password is returned to the caller once and only its verifier is kept. */
export async function addUser(
  deps: IdentityDeps,
  actor: Principal,
  input: { firstName: string; lastName: string; email: string; agentRole: AgentRole; adminRole: AdminRole },
) {
  assertMayManage(actor, input);
  const org = await deps.store.getOrganization(actor.user.orgId);
  if (!org) throw new DomainError('NOT_FOUND');
  if (!emailOnDomain(input.email, org.domain))
    throw identityErrors.emailDomainMismatch(input.email, org.domain);
  const temporaryPassword = generateTemporaryPassword();
  const user: UserRecord = {
    id: randomUUID(),
    orgId: org.id,
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    agentRole: input.agentRole,
    adminRole: input.adminRole,
    status: 'ACTIVE',
    temporaryPasswordVerifier: temporaryPasswordVerifier(temporaryPassword),
    createdAt: deps.clock.now().toISOString(),
  };
  await deps.store.createUser(user);
  try {
    await deps.directory.createUser(user.id, user.email, temporaryPassword, true);
  } catch (error) {
    await deps.store.deleteUser(user).catch(() => undefined);
    throw error;
  }
  return { user, temporaryPassword };
}

export async function updateUser(
  deps: IdentityDeps,
  actor: Principal,
  userId: string,
  changes: { firstName?: string; lastName?: string; agentRole?: AgentRole; adminRole?: AdminRole },
) {
  const before = await userOfOrganization(deps, actor, userId);
  assertMayManage(actor, before);
  if (changes.adminRole) assertMayManage(actor, { adminRole: changes.adminRole });
  const after: UserRecord = { ...before, ...changes };
  if (!hasSomeRole(after)) {
    throw new DomainError('VALIDATION_FAILED', undefined, {
      errors: [
        {
          path: 'body.adminRole',
          message: 'a user needs at least one role: agentRole and adminRole cannot both be NONE',
        },
      ],
    });
  }
  await deps.store.updateUser(before, after);
  return after;
}

export async function deleteUser(deps: IdentityDeps, actor: Principal, userId: string) {
  const user = await userOfOrganization(deps, actor, userId);
  assertMayManage(actor, user);
  await deps.store.deleteUser(user);
  await deps.directory.deleteUser(user.id);
}

export async function resetPassword(deps: IdentityDeps, actor: Principal, userId: string) {
  const user = await userOfOrganization(deps, actor, userId);
  assertMayManage(actor, user);
  const temporaryPassword = generateTemporaryPassword();
  await deps.directory.setPassword(user.id, temporaryPassword, true);
  await deps.store.setTemporaryPasswordVerifier(user, temporaryPasswordVerifier(temporaryPassword));
  return { temporaryPassword };
}
