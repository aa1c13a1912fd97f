import { v7 as uuidv7 } from 'uuid';
import { mailGlobalAdmins, type Organizations } from '../../identity/domain/admins.ts';
import type { Principal } from '../../identity/domain/model.ts';
import type { IdentityStore } from '../../identity/ports.ts';
import { assertAdminAccess, type OnBehalfDeps } from '../../on-behalf/domain/relationships.ts';
import { DomainError } from '../../platform/errors.ts';
import { logger } from '../../platform/logger.ts';
import { languageOfCountry } from '../../platform/mail/locale.ts';
import type { Clock, Mailer, Page } from '../../platform/ports.ts';
import { assertPermission } from '../../platform/roles.ts';
import { ticketAnsweredEmail } from '../emails/ticket-answered.ts';
import type { TicketStore } from '../ticket-ports.ts';
import type {
  NoteAuthor,
  SupportCategory,
  TicketNote,
  TicketRecord,
  TicketSeverity,
  TicketStatus,
} from './ticket-model.ts';

/** What the ticket operations use. */
export interface TicketDeps extends Pick<OnBehalfDeps, 'adminRelationships' | 'customers'> {
  tickets: TicketStore;
  organizations: Organizations;
  users: Pick<IdentityStore, 'getUser'>;
  mailer: Mailer;
  clock: Clock;
}

/** A ticket keeps at most this many notes (an item holds 400 KB; a note 2,000 characters). */
export const MAX_NOTES = 100;
/** How the operators sign their notes: partners see the platform's support, never an operator's address. */
export const OPERATOR_AUTHOR: NoteAuthor = { kind: 'OPERATOR', name: 'Support' };
/** The one role of an admin relationship that service requests need (GLOBAL_ADMINISTRATOR gives it too). */
const SERVICE_ROLE = 'SERVICE_SUPPORT_ADMINISTRATOR';

/** A ticket as API.md shows it. */
export const publicTicket = (t: TicketRecord) => ({
  ticketId: t.ticketId,
  kind: t.kind,
  organizationId: t.organizationId,
  ...(t.customerId ? { customerId: t.customerId } : {}),
  title: t.title,
  description: t.description,
  severity: t.severity,
  ...(t.topic ? { topic: t.topic } : {}),
  ...(t.category ? { category: t.category } : {}),
  status: t.status,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
  notes: t.notes.map((n) => ({ text: n.text, by: { kind: n.by.kind, name: n.by.name }, at: n.at })),
});
export type PublicTicket = ReturnType<typeof publicTicket>;

const pageOf = (page: Page<TicketRecord>) => {
  const items = page.items.map(publicTicket);
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
};

const partnerAuthor = (actor: Principal): NoteAuthor => ({
  kind: 'PARTNER',
  name: `${actor.user.firstName} ${actor.user.lastName}`.trim(),
});

/**
 * The route's permission, checked again here (the HTTP stack checks it first): the domain's rules
 * hold whoever calls them.
 */
/** Service requests: the permission, then the admin relationship's role (404 without any relationship with the customer). */
async function assertServiceAccess(deps: TicketDeps, actor: Principal, customerId: string) {
  assertPermission(actor.user, 'customerServiceRequests:manage');
  await assertAdminAccess(deps, actor, customerId, SERVICE_ROLE);
}

const notFound = () => new DomainError('NOT_FOUND', 'No ticket with this id; list your tickets to find it.');

function newTicket(
  actor: Principal,
  now: Date,
  fields: Pick<TicketRecord, 'kind' | 'title' | 'description' | 'severity'> &
    Partial<Pick<TicketRecord, 'customerId' | 'topic' | 'category'>>,
): TicketRecord {
  const at = now.toISOString();
  return {
    // Time-ordered, so ids sort as the tickets were opened.
    ticketId: uuidv7({ msecs: now.getTime() }),
    organizationId: actor.user.orgId,
    ...fields,
    status: 'OPEN',
    createdAt: at,
    updatedAt: at,
    notes: [],
    openedBy: { userId: actor.user.id, name: partnerAuthor(actor).name },
  };
}

export interface ServiceRequestInput {
  title: string;
  description: string;
  severity: TicketSeverity;
  topic: string;
}

/**
 * POST /customers/{customerId}/service-requests: an active admin relationship with the customer
 * holding SERVICE_SUPPORT_ADMINISTRATOR (404 without any relationship with the customer,
 * ADMIN_RELATIONSHIP_REQUIRED without the role), as every on-behalf call. Helpdesk agents may: the
 * matrix's ✔* is about adminAgentOnly offers, and a service request names no offer.
 */
export async function createServiceRequest(
  deps: TicketDeps,
  actor: Principal,
  customerId: string,
  input: ServiceRequestInput,
) {
  await assertServiceAccess(deps, actor, customerId);
  const ticket = newTicket(actor, deps.clock.now(), {
    kind: 'SERVICE_REQUEST',
    customerId,
    title: input.title,
    description: input.description,
    severity: input.severity,
    topic: input.topic,
  });
  await deps.tickets.createTicket(ticket);
  return publicTicket(ticket);
}

/** GET /customers/{customerId}/service-requests: the caller's organization's, newest first (same access as creating). */
export async function listServiceRequests(
  deps: TicketDeps,
  actor: Principal,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await assertServiceAccess(deps, actor, customerId);
  return pageOf(
    await deps.tickets.listServiceRequests(actor.user.orgId, customerId, query.limit, query.cursor),
  );
}

/** A service request of the caller's organization about this customer; anything else is 404. */
async function ownServiceRequest(deps: TicketDeps, actor: Principal, customerId: string, ticketId: string) {
  await assertServiceAccess(deps, actor, customerId);
  const ticket = await deps.tickets.getTicket(ticketId);
  if (
    ticket?.kind !== 'SERVICE_REQUEST' ||
    ticket.organizationId !== actor.user.orgId ||
    ticket.customerId !== customerId
  )
    throw notFound();
  return ticket;
}

/** GET /customers/{customerId}/service-requests/{ticketId}. */
export async function getServiceRequest(
  deps: TicketDeps,
  actor: Principal,
  customerId: string,
  ticketId: string,
) {
  return publicTicket(await ownServiceRequest(deps, actor, customerId, ticketId));
}

export interface SupportTicketInput {
  title: string;
  description: string;
  severity: TicketSeverity;
  category: SupportCategory;
}

/** POST /support-tickets: the partner's own ticket to the platform's support. */
export async function createSupportTicket(deps: TicketDeps, actor: Principal, input: SupportTicketInput) {
  assertPermission(actor.user, 'partnerSupportTickets:manage');
  const ticket = newTicket(actor, deps.clock.now(), {
    kind: 'SUPPORT_TICKET',
    title: input.title,
    description: input.description,
    severity: input.severity,
    category: input.category,
  });
  await deps.tickets.createTicket(ticket);
  return publicTicket(ticket);
}

/** GET /support-tickets: the caller's organization's, newest first. */
export async function listSupportTickets(
  deps: TicketDeps,
  actor: Principal,
  query: { limit: number; cursor?: string | undefined },
) {
  assertPermission(actor.user, 'partnerSupportTickets:manage');
  return pageOf(await deps.tickets.listSupportTickets(actor.user.orgId, query.limit, query.cursor));
}

async function ownSupportTicket(deps: TicketDeps, actor: Principal, ticketId: string) {
  assertPermission(actor.user, 'partnerSupportTickets:manage');
  const ticket = await deps.tickets.getTicket(ticketId);
  if (ticket?.kind !== 'SUPPORT_TICKET' || ticket.organizationId !== actor.user.orgId) throw notFound();
  return ticket;
}

/** GET /support-tickets/{ticketId}. */
export async function getSupportTicket(deps: TicketDeps, actor: Principal, ticketId: string) {
  return publicTicket(await ownSupportTicket(deps, actor, ticketId));
}

export interface NoteInput {
  text: string;
  status?: TicketStatus | undefined;
}

/**
 * The status a note leaves the ticket in: the one it sets, else a partner's note puts the ball in
 * the operators' court (OPEN) and an operator's in the partner's (ATTENTION_NEEDED).
 */
export const statusAfterNote = (by: NoteAuthor, status: TicketStatus | undefined): TicketStatus =>
  status ?? (by.kind === 'OPERATOR' ? 'ATTENTION_NEEDED' : 'OPEN');

/**
 * Appends a note (atomically: concurrent notes are all kept) unless the ticket is CLOSED, which is
 * final (TICKET_CLOSED, whatever the note's status: open a new ticket), or full (CONFLICT). A
 * refused write reads the ticket again to say why.
 */
async function addNote(deps: TicketDeps, read: TicketRecord, input: NoteInput, by: NoteAuthor) {
  let ticket: TicketRecord | undefined = read;
  for (let attempt = 0; attempt < 3 && ticket; attempt++) {
    if (ticket.status === 'CLOSED')
      throw new DomainError(
        'TICKET_CLOSED',
        'This ticket is closed, and a closed ticket is final; open a new ticket for anything more.',
      );
    if (ticket.notes.length >= MAX_NOTES)
      throw new DomainError(
        'CONFLICT',
        `This ticket holds the most notes it can (${MAX_NOTES}); close it and open a new ticket to go on.`,
      );
    const note: TicketNote = { text: input.text, by, at: deps.clock.now().toISOString() };
    if (await deps.tickets.addNote(ticket, note, statusAfterNote(by, input.status), MAX_NOTES))
      return (await deps.tickets.getTicket(ticket.ticketId, { consistent: true })) ?? ticket;
    ticket = await deps.tickets.getTicket(read.ticketId, { consistent: true });
  }
  if (!ticket) throw notFound();
  throw new DomainError('CONFLICT', 'The ticket changed meanwhile; read it and retry.');
}

/** POST /customers/{customerId}/service-requests/{ticketId}/notes: the partner's note (same access as creating). */
export async function addServiceRequestNote(
  deps: TicketDeps,
  actor: Principal,
  customerId: string,
  ticketId: string,
  input: NoteInput,
) {
  const ticket = await ownServiceRequest(deps, actor, customerId, ticketId);
  return publicTicket(await addNote(deps, ticket, input, partnerAuthor(actor)));
}

/** POST /support-tickets/{ticketId}/notes: the partner's note. */
export async function addSupportTicketNote(
  deps: TicketDeps,
  actor: Principal,
  ticketId: string,
  input: NoteInput,
) {
  const ticket = await ownSupportTicket(deps, actor, ticketId);
  return publicTicket(await addNote(deps, ticket, input, partnerAuthor(actor)));
}

/**
 * POST /operator/tickets/{ticketId}/notes: an operator answers any ticket, signed "Support"; the
 * partner's contact (the user who opened it) is emailed the note, in the language of the
 * organization's country; when that user is gone, the organization's global admins are.
 */
export async function addOperatorNote(deps: TicketDeps, ticketId: string, input: NoteInput) {
  const ticket = await deps.tickets.getTicket(ticketId);
  if (!ticket) throw notFound();
  const after = await addNote(deps, ticket, input, OPERATOR_AUTHOR);
  await mailPartner(deps, after, input.text);
  return publicTicket(after);
}

/** Where the partner reads a ticket in the API. */
export const ticketPath = (t: Pick<TicketRecord, 'kind' | 'customerId' | 'ticketId'>) =>
  t.kind === 'SERVICE_REQUEST'
    ? `GET /customers/${t.customerId}/service-requests/${t.ticketId}`
    : `GET /support-tickets/${t.ticketId}`;

/** A notification, not the change: a failure is logged (the operators' error alarm) and the note stands. */
async function mailPartner(deps: TicketDeps, ticket: TicketRecord, text: string) {
  const render = (language: 'en' | 'es', name?: string) =>
    ticketAnsweredEmail(language, {
      ...(name ? { name } : {}),
      title: ticket.title,
      kind: ticket.kind,
      note: text,
      status: ticket.status,
      path: ticketPath(ticket),
    });
  try {
    const [org, opener] = await Promise.all([
      deps.organizations.getOrganization(ticket.organizationId),
      deps.users.getUser(ticket.openedBy.userId),
    ]);
    const language = languageOfCountry(org?.country ?? '');
    if (opener && opener.orgId === ticket.organizationId && opener.status === 'ACTIVE') {
      await deps.mailer.send({ to: opener.email, ...render(language, opener.firstName) });
      return;
    }
    await mailGlobalAdmins(deps, ticket.organizationId, (l) => render(l), { ticketId: ticket.ticketId });
  } catch (error) {
    logger.error('The email about an operator note did not go out', { ticketId: ticket.ticketId, error });
  }
}

/** GET /operator/tickets?status=: both kinds of every organization in one status (OPEN by default), oldest first. */
export async function listOperatorTickets(
  deps: TicketDeps,
  query: { status?: TicketStatus | undefined; limit: number; cursor?: string | undefined },
) {
  return pageOf(await deps.tickets.queue(query.status ?? 'OPEN', query.limit, query.cursor));
}
