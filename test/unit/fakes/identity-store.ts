import {
  countsAsGlobalAdmin,
  identityErrors,
  type OrganizationRecord,
  type SignInFailures,
  type UserRecord,
} from '../../../functions/identity/domain/model.ts';
import type { IdentityStore } from '../../../functions/identity/ports.ts';
import { keys } from '../../../functions/platform/data/table.ts';
import { DomainError } from '../../../functions/platform/errors.ts';
import type { LinkRecord } from '../../../functions/platform/links/links.ts';
import type { LinkStore, Page } from '../../../functions/platform/ports.ts';
import { conditionalCheckFailed, copy, query, type Step, transact, update } from './table.ts';

/**
 * Organizations, users, uniqueness claims, sign-in failure counters and every context's
 * emailed links (one table: the enrollment and relationship fakes write links here too),
 * with the conditions of functions/identity/store.ts.
 */
export class FakeIdentityStore implements IdentityStore, LinkStore {
  readonly organizations = new Map<string, OrganizationRecord>();
  readonly users = new Map<string, UserRecord & { verifiedAt?: string }>();
  /** Lower-cased domain → organization id. */
  readonly domainClaims = new Map<string, string>();
  /** Lower-cased email → user id. */
  readonly emailClaims = new Map<string, string>();
  /** Token hash → link, of every kind. */
  readonly links = new Map<string, LinkRecord>();
  /** Trimmed, lower-cased email → failures. */
  readonly signInFailureCounts = new Map<string, SignInFailures>();

  /** Everything stored, to compare before and after a refused call. */
  dump() {
    return JSON.stringify(
      [
        this.organizations,
        this.users,
        this.domainClaims,
        this.emailClaims,
        this.links,
        this.signInFailureCounts,
      ].map((map) => [...map]),
    );
  }

  /** The organization's global admin count goes up or down; down needs another admin left. */
  adminCountChange(orgId: string, delta: 1 | -1, onFail?: () => Error): Step {
    const org = () => this.organizations.get(orgId);
    return {
      holds: () => {
        const found = org();
        return found !== undefined && (delta > 0 || found.globalAdminCount > 1);
      },
      onFail,
      write: () => {
        const found = org();
        if (found) found.globalAdminCount += delta;
      },
    };
  }

  async createOrganization(org: OrganizationRecord, admin: UserRecord, link?: LinkRecord) {
    transact([
      {
        holds: () => !this.organizations.has(org.id),
        write: () => this.organizations.set(org.id, copy(org)),
      },
      {
        holds: () => !this.domainClaims.has(org.domain.toLowerCase()),
        onFail: () => identityErrors.domainTaken(org.domain),
        write: () => this.domainClaims.set(org.domain.toLowerCase(), org.id),
      },
      {
        holds: () => !this.emailClaims.has(admin.email.toLowerCase()),
        onFail: () => identityErrors.emailTaken(admin.email),
        write: () => this.emailClaims.set(admin.email.toLowerCase(), admin.id),
      },
      { holds: () => !this.users.has(admin.id), write: () => this.users.set(admin.id, copy(admin)) },
      ...(link
        ? [
            {
              holds: () => !this.links.has(link.tokenHash),
              write: () => this.links.set(link.tokenHash, copy(link)),
            },
          ]
        : []),
    ]);
  }

  async deleteOrganization(org: OrganizationRecord, admin: UserRecord, link?: LinkRecord) {
    this.organizations.delete(org.id);
    this.domainClaims.delete(org.domain.toLowerCase());
    this.emailClaims.delete(admin.email.toLowerCase());
    this.users.delete(admin.id);
    if (link) this.links.delete(link.tokenHash);
  }

  async getOrganization(orgId: string) {
    return copy(this.organizations.get(orgId));
  }

  async getOrganizationByDomain(domain: string) {
    const orgId = this.domainClaims.get(domain.toLowerCase());
    return orgId === undefined ? undefined : copy(this.organizations.get(orgId));
  }

  async getUser(userId: string) {
    return copy(this.users.get(userId));
  }

  async getUserByEmail(email: string) {
    const userId = this.emailClaims.get(email.toLowerCase());
    return userId === undefined ? undefined : copy(this.users.get(userId));
  }

  async getLink(tokenHash: string) {
    return copy(this.links.get(tokenHash));
  }

  async consumeAccountVerification(link: LinkRecord, now: Date) {
    const at = now.toISOString();
    const stored = () => this.links.get(link.tokenHash);
    const user = () => this.users.get(link.userId ?? '');
    const org = () => this.organizations.get(link.orgId);
    transact([
      {
        holds: () => stored() !== undefined && stored()?.usedAt === undefined,
        onFail: () => new DomainError('LINK_USED'),
        write: () => update(stored(), { usedAt: at }),
      },
      {
        holds: () => user() !== undefined,
        write: () => update(user(), { status: 'ACTIVE', verifiedAt: at }),
      },
      { holds: () => org() !== undefined, write: () => update(org(), { status: 'ACTIVE' }) },
    ]);
  }

  async createUser(user: UserRecord) {
    transact([
      {
        holds: () => !this.emailClaims.has(user.email.toLowerCase()),
        onFail: () => identityErrors.emailTaken(user.email),
        write: () => this.emailClaims.set(user.email.toLowerCase(), user.id),
      },
      { holds: () => !this.users.has(user.id), write: () => this.users.set(user.id, copy(user)) },
      ...(countsAsGlobalAdmin(user) ? [this.adminCountChange(user.orgId, 1)] : []),
    ]);
  }

  /** Only names and roles change, and only if the roles are still those of `before` (optimistic lock). */
  async updateUser(before: UserRecord, after: UserRecord) {
    const stored = () => this.users.get(before.id);
    const wasAdmin = countsAsGlobalAdmin(before);
    const isAdmin = countsAsGlobalAdmin(after);
    const lastAdmin = () => new DomainError('LAST_GLOBAL_ADMIN');
    transact([
      {
        holds: () => stored()?.adminRole === before.adminRole && stored()?.agentRole === before.agentRole,
        write: () =>
          update(stored(), {
            firstName: after.firstName,
            lastName: after.lastName,
            agentRole: after.agentRole,
            adminRole: after.adminRole,
          }),
      },
      ...(wasAdmin && !isAdmin ? [this.adminCountChange(before.orgId, -1, lastAdmin)] : []),
      ...(!wasAdmin && isAdmin ? [this.adminCountChange(before.orgId, 1, lastAdmin)] : []),
    ]);
  }

  async deleteUser(user: UserRecord) {
    transact([
      { holds: () => this.users.has(user.id), write: () => this.users.delete(user.id) },
      { write: () => this.emailClaims.delete(user.email.toLowerCase()) },
      ...(countsAsGlobalAdmin(user)
        ? [this.adminCountChange(user.orgId, -1, () => new DomainError('LAST_GLOBAL_ADMIN'))]
        : []),
    ]);
  }

  async setTemporaryPasswordVerifier(target: UserRecord, verifier: string | undefined) {
    const user = this.users.get(target.id);
    if (!user) throw conditionalCheckFailed();
    if (verifier) user.temporaryPasswordVerifier = verifier;
    else delete user.temporaryPasswordVerifier;
  }

  async listUsers(orgId: string, limit: number, cursor?: string): Promise<Page<UserRecord>> {
    const partition = keys.usersOfOrganization(orgId).gsi1pk;
    return query(
      [...this.users.values()].filter((user) => user.orgId === orgId),
      {
        keyOf: (user) => ({ ...keys.user(user.id), ...keys.usersOfOrganization(user.orgId, user.email) }),
        sortKey: 'gsi1sk',
        scope: { index: 'gsi1', partition },
        limit,
        cursor,
      },
    );
  }

  async getSignInFailures(email: string) {
    return copy(this.signInFailureCounts.get(email.trim().toLowerCase()));
  }

  /** One more in the window open at `nowSeconds`, or the first of a new one (an ended window counts as none). */
  async recordSignInFailure(email: string, nowSeconds: number, newWindowEndsAt: number) {
    const key = email.trim().toLowerCase();
    const counted = this.signInFailureCounts.get(key);
    const next =
      counted && counted.windowEndsAt > nowSeconds
        ? { ...counted, failures: counted.failures + 1 }
        : { failures: 1, windowEndsAt: newWindowEndsAt };
    this.signInFailureCounts.set(key, next);
    return copy(next);
  }

  async clearSignInFailures(email: string) {
    this.signInFailureCounts.delete(email.trim().toLowerCase());
  }
}
