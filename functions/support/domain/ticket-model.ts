/**
 * The ticket area's records (service incidents, service requests and support tickets) and their
 * vocabularies: what the domain, the ports and the schemas share.
 */

export const INCIDENT_SEVERITIES = ['INFORMATION', 'WARNING', 'CRITICAL'] as const;
export const INCIDENT_STATUSES = ['INVESTIGATING', 'DEGRADED', 'RESTORED', 'RESOLVED'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** One posted update of an incident: the status it moved to and what the operators said. */
export interface IncidentUpdate {
  status: IncidentStatus;
  message: string;
  at: string;
}

/** A service incident as stored: platform-wide, not of any organization. */
export interface IncidentRecord {
  incidentId: string;
  title: string;
  service: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  updates: IncidentUpdate[];
  startedAt: string;
  /** The last PUT: what service health orders and windows by. */
  updatedAt: string;
  resolvedAt?: string;
  /** Bumped by every PUT; a PUT writes only over the version it read. */
  version: number;
}

export const TICKET_KINDS = ['SERVICE_REQUEST', 'SUPPORT_TICKET'] as const;
export const TICKET_SEVERITIES = ['CRITICAL', 'MODERATE', 'MINIMAL'] as const;
export const TICKET_STATUSES = ['OPEN', 'ATTENTION_NEEDED', 'CLOSED'] as const;
export const SUPPORT_CATEGORIES = ['ACCOUNT', 'ENROLLMENT', 'ORDERS', 'TECHNICAL'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];
export type TicketSeverity = (typeof TICKET_SEVERITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export type SupportCategory = (typeof SUPPORT_CATEGORIES)[number];

/** Who wrote a note, as the partner sees it: a partner user's name, or the platform's support (no operator named). */
export interface NoteAuthor {
  kind: 'PARTNER' | 'OPERATOR';
  name: string;
}

export interface TicketNote {
  text: string;
  by: NoteAuthor;
  at: string;
}

/** A service request (about one customer) or a support ticket (about the partner itself), notes included. */
export interface TicketRecord {
  ticketId: string;
  kind: TicketKind;
  /** The partner organization that opened it: the only one that sees it. */
  organizationId: string;
  /** A service request's customer. */
  customerId?: string;
  title: string;
  description: string;
  severity: TicketSeverity;
  /** A service request's topic. */
  topic?: string;
  /** A support ticket's category. */
  category?: SupportCategory;
  status: TicketStatus;
  createdAt: string;
  updatedAt: string;
  notes: TicketNote[];
  /** The partner's contact for it: the user who opened it (emailed when the operators answer). */
  openedBy: { userId: string; name: string };
}
