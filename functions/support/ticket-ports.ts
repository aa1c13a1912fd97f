import type { Page } from '../platform/ports.ts';
import type { IncidentRecord, TicketNote, TicketRecord, TicketStatus } from './domain/ticket-model.ts';

/** Service incidents (platform-wide), each write with its activity record in the platform's log. */
export interface IncidentStore {
  getIncident(incidentId: string): Promise<IncidentRecord | undefined>;
  /**
   * Writes `after` over `before` (none: a create) only if the stored incident is still `before`'s
   * version (or still absent), with its record (`changes`: the fields that changed); false when it
   * changed meanwhile, writing nothing.
   */
  putIncident(
    before: IncidentRecord | undefined,
    after: IncidentRecord,
    changes: Record<string, [unknown, unknown]>,
  ): Promise<boolean>;
  /** One Query: incidents last updated at or after `from`, most recently updated first. */
  updatedSince(from: string, limit: number, cursor?: string): Promise<Page<IncidentRecord>>;
  /** One Query: unresolved incidents last updated before `before`, most recently updated first. */
  unresolvedUpdatedBefore(before: string, limit: number, cursor?: string): Promise<Page<IncidentRecord>>;
}

/**
 * Service requests and support tickets. Every write is one transaction with its activity record in
 * the log of the organization that owns the ticket (a service request's naming its customer).
 */
export interface TicketStore {
  createTicket(ticket: TicketRecord): Promise<void>;
  getTicket(ticketId: string, opts?: { consistent?: boolean }): Promise<TicketRecord | undefined>;
  /**
   * Appends `note` (atomically: concurrent notes are all kept) and sets `status`, only while the
   * ticket is not CLOSED and holds fewer than `maxNotes` notes; false otherwise, writing nothing.
   * The record's actor is the request's, except an operator's note, which names no operator.
   */
  addNote(ticket: TicketRecord, note: TicketNote, status: TicketStatus, maxNotes: number): Promise<boolean>;
  /** One Query: the organization's support tickets, newest first. */
  listSupportTickets(orgId: string, limit: number, cursor?: string): Promise<Page<TicketRecord>>;
  /** One Query: the organization's service requests about one customer, newest first. */
  listServiceRequests(
    orgId: string,
    customerId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<TicketRecord>>;
  /** One Query: tickets of both kinds, of every organization, in `status`, oldest first. */
  queue(status: TicketStatus, limit: number, cursor?: string): Promise<Page<TicketRecord>>;
}
