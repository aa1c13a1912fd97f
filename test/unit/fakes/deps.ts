import type { EnrollmentApiDeps } from '../../../functions/enrollment/domain/enrollments.ts';
import type { IdentityDeps } from '../../../functions/identity/domain/accounts.ts';
import type { OrganizationRecord, Principal, UserRecord } from '../../../functions/identity/domain/model.ts';
import type { AdminRole, AgentRole } from '../../../functions/platform/roles.ts';
import type { RelationshipDeps } from '../../../functions/relationships/domain/invitations.ts';
import { organizationRecord } from '../../support/records.ts';
import { FakeClock } from './clock.ts';
import { FakeDirectory } from './directory.ts';
import { FakeEnrollmentStore } from './enrollment-store.ts';
import { FakeIdentityStore } from './identity-store.ts';
import { FakeLinkTokens } from './link-tokens.ts';
import { FakeMailer } from './mailer.ts';
import { FakeBusinessCounts } from './metrics.ts';
import { FakeRelationshipStore } from './relationship-store.ts';
import { FakeReviewWorkflow } from './workflow.ts';

export const T0 = new Date('2026-03-02T09:00:00Z');
export const PUBLIC_BASE_URL = 'https://api.example.test';
export const OPERATOR_ALERT_EMAIL = 'alerts@operator.example';

/** Every port in memory, over one table, with one clock. */
export function fakePorts(start: Date = T0) {
  const clock = new FakeClock(start);
  const identity = new FakeIdentityStore();
  return {
    clock,
    identity,
    enrollments: new FakeEnrollmentStore(identity),
    relationships: new FakeRelationshipStore(identity),
    directory: new FakeDirectory(),
    mailer: new FakeMailer(),
    workflow: new FakeReviewWorkflow(),
    linkTokens: new FakeLinkTokens(),
    metrics: new FakeBusinessCounts(),
  };
}
export type FakePorts = ReturnType<typeof fakePorts>;

/** The whole table, to assert that a refused call wrote nothing. */
export const tableDump = (p: FakePorts) => [p.identity.dump(), p.enrollments.dump(), p.relationships.dump()];

export const identityDeps = (p: FakePorts): IdentityDeps => ({
  store: p.identity,
  links: p.identity,
  directory: p.directory,
  mailer: p.mailer,
  clock: p.clock,
  publicBaseUrl: PUBLIC_BASE_URL,
});

export const enrollmentDeps = (p: FakePorts): EnrollmentApiDeps => ({
  enrollments: p.enrollments,
  identity: p.identity,
  links: p.identity,
  mailer: p.mailer,
  workflow: p.workflow,
  clock: p.clock,
  publicBaseUrl: PUBLIC_BASE_URL,
  operatorAlertEmail: OPERATOR_ALERT_EMAIL,
  metrics: p.metrics,
});

export const relationshipDeps = (p: FakePorts): RelationshipDeps => ({
  relationships: p.relationships,
  identity: p.identity,
  links: p.identity,
  mailer: p.mailer,
  linkTokens: p.linkTokens,
  clock: p.clock,
  publicBaseUrl: PUBLIC_BASE_URL,
  metrics: p.metrics,
});

/**
 * An active organization `<id>.example` (country ES) and its first user, a global admin and
 * admin agent `ada@<id>.example`, written through the store port like a verified account.
 */
export async function addOrganization(
  p: FakePorts,
  id: string,
  partnerTypes: OrganizationRecord['partnerTypes'] = [],
  over: Partial<OrganizationRecord> = {},
) {
  const org = { ...organizationRecord(id, partnerTypes, p.clock.now()), ...over };
  const admin = userRecord(org, 'ada', 'ADMIN_AGENT', 'GLOBAL_ADMIN');
  await p.identity.createOrganization(org, admin);
  await p.directory.createUser(admin.id, admin.email, passwordOf(admin), false);
  return { org, admin: { user: admin } satisfies Principal };
}

/** Another active user of `org`, `<name>@<domain>`, with a permanent password (passwordOf). */
export async function addUser(
  p: FakePorts,
  org: OrganizationRecord,
  name: string,
  agentRole: AgentRole,
  adminRole: AdminRole,
): Promise<Principal> {
  const user = userRecord(org, name, agentRole, adminRole);
  await p.identity.createUser(user);
  await p.directory.createUser(user.id, user.email, passwordOf(user), false);
  return { user };
}

/** A permanent password that meets the policy, one per user. */
export const passwordOf = (user: Pick<UserRecord, 'id'>) => `Passw0rd-${user.id}`;

const userRecord = (
  org: OrganizationRecord,
  name: string,
  agentRole: AgentRole,
  adminRole: AdminRole,
): UserRecord => ({
  id: `${name}-${org.id}`,
  orgId: org.id,
  email: `${name}@${org.domain}`,
  firstName: name.charAt(0).toUpperCase() + name.slice(1),
  lastName: 'Example',
  agentRole,
  adminRole,
  status: 'ACTIVE',
  createdAt: org.createdAt,
});
