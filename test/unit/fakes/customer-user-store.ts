import type { HeldLicense, UserRecord } from '../../../functions/identity/domain/model.ts';
import type { CustomerUserStore, Moved } from '../../../functions/on-behalf/ports.ts';
import { DomainError } from '../../../functions/platform/errors.ts';
import type { FakeCommerceStore } from './commerce-store.ts';
import type { FakeIdentityStore } from './identity-store.ts';
import { copy, type Step, transact } from './table.ts';

const sameKeys = (a: Record<string, HeldLicense> | undefined, b: Record<string, HeldLicense> | undefined) => {
  const [x, y] = [Object.keys(a ?? {}).sort(), Object.keys(b ?? {}).sort()];
  return x.length === y.length && x.every((k, i) => k === y[i]);
};

class MovedError extends Error {
  constructor(readonly moved: Moved) {
    super('changed meanwhile');
  }
}

/**
 * The on-behalf user writes over the fake identity and commerce stores, with the conditions of
 * functions/on-behalf/users-store.ts: the user's status and set of licenses, each subscription's
 * status and free seats; a failed one answers what moved and writes nothing.
 */
export class FakeCustomerUserStore implements CustomerUserStore {
  /** The activity records written: operation, the log it went to, the customer named. */
  readonly records: Array<{ operation: string; log: string; customerId: string; resourceId: string }> = [];
  /** Runs before the next write's conditions are checked (a concurrent writer). */
  beforeNextWrite: (() => void) | undefined;

  constructor(
    private readonly identity: FakeIdentityStore,
    private readonly commerce: FakeCommerceStore,
  ) {}

  private concurrent() {
    const run = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    run?.();
  }

  private seat(subscriptionId: string, delta: 1 | -1): Step {
    const sub = () => this.commerce.subscriptions.get(subscriptionId);
    return {
      holds: () => {
        const s = sub();
        if (!s) return false;
        return delta > 0
          ? s.status === 'ACTIVE' && s.assignedLicenses < s.quantity
          : (s.status === 'ACTIVE' || s.status === 'SUSPENDED') && s.assignedLicenses > 0;
      },
      onFail: () => new MovedError({ moved: 'subscription', subscriptionId }),
      write: () => {
        const s = sub();
        if (s) Object.assign(s, { assignedLicenses: s.assignedLicenses + delta, version: s.version + 1 });
      },
    };
  }

  private run(steps: Step[], record: { operation: string; log: string; user: UserRecord }) {
    this.concurrent();
    try {
      transact(steps);
    } catch (error) {
      if (error instanceof MovedError) return error.moved;
      throw error;
    }
    this.records.push({
      operation: record.operation,
      log: record.log,
      customerId: record.user.orgId,
      resourceId: record.user.id,
    });
    return undefined;
  }

  private userStep(
    user: UserRecord,
    holds: (stored: UserRecord) => boolean,
    write: (stored: UserRecord) => void,
  ): Step {
    const stored = () => this.identity.users.get(user.id);
    return {
      holds: () => {
        const s = stored();
        return s !== undefined && holds(s);
      },
      onFail: () => new MovedError({ moved: 'user' }),
      write: () => {
        const s = stored();
        if (s) write(s);
      },
    };
  }

  async changeLicenses(
    before: UserRecord,
    after: Record<string, HeldLicense>,
    counts: { assign: string[]; release: string[] },
    _at: string,
    partnerId: string,
  ) {
    return this.run(
      [
        this.userStep(
          before,
          (s) => s.status === 'ACTIVE' && sameKeys(s.licenses, before.licenses),
          (s) => {
            s.licenses = copy(after);
          },
        ),
        ...counts.assign.map((id) => this.seat(id, 1)),
        ...counts.release.map((id) => this.seat(id, -1)),
      ],
      { operation: 'USER_LICENSES_CHANGED', log: partnerId, user: before },
    );
  }

  async deactivate(user: UserRecord, release: string[], at: string, partnerId: string) {
    const org = () => this.identity.organizations.get(user.orgId);
    return this.run(
      [
        this.userStep(
          user,
          (s) =>
            s.status === 'ACTIVE' && s.adminRole === user.adminRole && sameKeys(s.licenses, user.licenses),
          (s) => {
            Object.assign(s, { status: 'INACTIVE', deletedAt: at });
            delete s.licenses;
          },
        ),
        ...(user.adminRole === 'GLOBAL_ADMIN'
          ? [
              {
                holds: () => (org()?.globalAdminCount ?? 0) > 1,
                onFail: () => new DomainError('LAST_GLOBAL_ADMIN'),
                write: () => {
                  const o = org();
                  if (o) o.globalAdminCount -= 1;
                },
              },
            ]
          : []),
        ...release.map((id) => this.seat(id, -1)),
      ],
      { operation: 'USER_DELETED', log: partnerId, user },
    );
  }

  async restore(user: UserRecord, _at: string, partnerId: string) {
    const org = () => this.identity.organizations.get(user.orgId);
    const moved = this.run(
      [
        this.userStep(
          user,
          (s) => s.status === 'INACTIVE' && s.deletedAt === user.deletedAt && s.adminRole === user.adminRole,
          (s) => {
            s.status = 'ACTIVE';
            delete s.deletedAt;
          },
        ),
        ...(user.adminRole === 'GLOBAL_ADMIN'
          ? [
              {
                write: () => {
                  const o = org();
                  if (o) o.globalAdminCount += 1;
                },
              },
            ]
          : []),
      ],
      { operation: 'USER_RESTORED', log: partnerId, user },
    );
    return moved === undefined;
  }
}
