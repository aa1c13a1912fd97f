import type { OrganizationRecord, Principal } from '../../functions/identity/domain/model.ts';

/** An active organization `<id>.example` of the given partner types, for domain unit tests. */
export const organizationRecord = (
  id: string,
  partnerTypes: OrganizationRecord['partnerTypes'],
  createdAt: Date,
): OrganizationRecord => ({
  id,
  name: `Org ${id}`,
  domain: `${id}.example`,
  country: 'ES',
  partnerTypes,
  status: 'ACTIVE',
  globalAdminCount: 1,
  createdAt: createdAt.toISOString(),
});

/** The global admin (and admin agent) of organization `orgId`, as the handler stack hands it to the domain. */
export const globalAdminOf = (orgId: string, createdAt: Date): Principal => ({
  user: {
    id: `admin-${orgId}`,
    orgId,
    email: `ada@${orgId}.example`,
    firstName: 'Ada',
    lastName: 'Admin',
    agentRole: 'ADMIN_AGENT',
    adminRole: 'GLOBAL_ADMIN',
    status: 'ACTIVE',
    createdAt: createdAt.toISOString(),
  },
});
