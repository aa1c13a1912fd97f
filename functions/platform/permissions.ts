/**
 * The permissions a partner user's roles grant (API.md, "Permission matrix").
 * Routes name one of these; the matrix itself is applied by the identity domain.
 */
export const PERMISSIONS = [
  'users:manage',
  'partnerProfile:read',
  'partnerProfile:update',
  'customers:read',
  'customers:requestRelationship',
  'customers:administer',
  'serviceHealth:read',
  'customerServiceRequests:manage',
  'partnerSupportTickets:manage',
  'leads:manage',
  'indirectProviders:read',
  'indirectProviders:authorize',
  'indirectResellers:read',
  'indirectResellers:invite',
  'orders:submit',
  'delegatedAdmin:request',
  'activity:read',
  'webhooks:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
