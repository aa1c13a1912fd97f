import { DomainError } from './errors.ts';
import type { Permission } from './permissions.ts';

export const AGENT_ROLES = ['ADMIN_AGENT', 'HELPDESK_AGENT', 'NONE'] as const;
export const ADMIN_ROLES = ['GLOBAL_ADMIN', 'USER_MANAGEMENT_ADMIN', 'NONE'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];
export type AdminRole = (typeof ADMIN_ROLES)[number];
export type Role = Exclude<AgentRole | AdminRole, 'NONE'>;

export interface Roles {
  agentRole: AgentRole;
  adminRole: AdminRole;
}

/**
 * API.md's permission matrix as data: which roles grant each permission. A user holds
 * the union of both roles' rows. (HELPDESK_AGENT's `customers:administer` stops at offers marked
 * `adminAgentOnly`: a rule of those offers, not of the matrix.)
 */
export const PERMISSION_MATRIX: Record<Permission, ReadonlyArray<Role>> = {
  'users:manage': ['GLOBAL_ADMIN', 'USER_MANAGEMENT_ADMIN'],
  'partnerProfile:read': ['GLOBAL_ADMIN', 'USER_MANAGEMENT_ADMIN'],
  'partnerProfile:update': ['GLOBAL_ADMIN'],
  'customers:read': ['ADMIN_AGENT', 'HELPDESK_AGENT', 'GLOBAL_ADMIN'],
  'customers:requestRelationship': ['ADMIN_AGENT', 'GLOBAL_ADMIN'],
  'customers:administer': ['ADMIN_AGENT', 'HELPDESK_AGENT', 'GLOBAL_ADMIN'],
  'serviceHealth:read': ['ADMIN_AGENT', 'HELPDESK_AGENT', 'GLOBAL_ADMIN'],
  'customerServiceRequests:manage': ['ADMIN_AGENT', 'HELPDESK_AGENT', 'GLOBAL_ADMIN'],
  'partnerSupportTickets:manage': ['GLOBAL_ADMIN'],
  'leads:manage': ['ADMIN_AGENT', 'GLOBAL_ADMIN'],
  'indirectProviders:read': ['ADMIN_AGENT', 'HELPDESK_AGENT', 'GLOBAL_ADMIN'],
  'indirectProviders:authorize': ['GLOBAL_ADMIN'],
  'indirectResellers:read': ['ADMIN_AGENT', 'HELPDESK_AGENT', 'GLOBAL_ADMIN'],
  'indirectResellers:invite': ['ADMIN_AGENT', 'GLOBAL_ADMIN'],
  'orders:submit': ['ADMIN_AGENT', 'GLOBAL_ADMIN'],
  'delegatedAdmin:request': ['ADMIN_AGENT', 'GLOBAL_ADMIN'],
  'activity:read': ['GLOBAL_ADMIN', 'USER_MANAGEMENT_ADMIN'],
  'webhooks:manage': ['GLOBAL_ADMIN'],
};

export function hasPermission(roles: Roles, permission: Permission): boolean {
  const granted = PERMISSION_MATRIX[permission];
  return granted.some((role) => role === roles.agentRole || role === roles.adminRole);
}

/**
 * FORBIDDEN unless the roles grant `permission`: for a domain function that needs a permission
 * besides (or other than) its route's.
 */
export function assertPermission(roles: Roles, permission: Permission): void {
  if (!hasPermission(roles, permission))
    throw new DomainError(
      'FORBIDDEN',
      `Your roles do not include the permission ${permission}; ask a global admin of your organization for a role that does.`,
    );
}

/** A user must hold at least one role; both `NONE` is no user at all. */
export const hasSomeRole = (roles: Roles) => roles.agentRole !== 'NONE' || roles.adminRole !== 'NONE';
