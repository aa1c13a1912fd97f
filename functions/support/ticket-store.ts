import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { PLATFORM_LOG, recordActivity } from '../platform/data/activity.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf } from '../platform/data/transact.ts';
import type { IncidentRecord, TicketRecord } from './domain/ticket-model.ts';
import type { IncidentStore, TicketStore } from './ticket-ports.ts';

const incidents = entity<IncidentRecord>({
  type: 'serviceIncident',
  keys: (i) => ({
    ...keys.serviceIncident(i.incidentId),
    ...keys.incidentsByUpdate(i.updatedAt, i.incidentId),
    // Sparse: only unresolved incidents are on gsi2, so old resolved ones cost service health nothing.
    ...(i.status === 'RESOLVED' ? {} : keys.unresolvedIncidents(i.updatedAt, i.incidentId)),
  }),
});

/** The upper end of a time-keyed range: after any `<ISO time>#<id>`. */
const AFTER_ANY_TIME = '\uffff';
/** The lower end of a time-keyed range: before any ISO time. */
const BEFORE_ANY_TIME = '0';

/** DynamoDB implementation of the IncidentStore port. */
export const incidentStore: IncidentStore = {
  getIncident: (incidentId) => getRecord(incidents, keys.serviceIncident(incidentId)),

  putIncident(before, after, changes) {
    return transactWriteIf(
      [
        {
          Put: {
            TableName: tableName(),
            Item: incidents.item(after),
            ...(before
              ? {
                  ConditionExpression: 'version = :version',
                  ExpressionAttributeValues: { ':version': before.version },
                }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          },
        },
        recordActivity({
          organizationId: PLATFORM_LOG,
          operation: before ? 'SERVICE_INCIDENT_UPDATED' : 'SERVICE_INCIDENT_CREATED',
          resourceType: 'service_incident',
          resourceId: after.incidentId,
          changes,
          at: after.updatedAt,
        }),
      ],
      [0],
    );
  },

  updatedSince: (from, limit, cursor) =>
    queryPage({
      index: 'gsi1',
      partition: keys.incidentsByUpdate().gsi1pk,
      sortKeyRange: [from, AFTER_ANY_TIME],
      newestFirst: true,
      limit,
      cursor,
      read: incidents.record,
    }),

  unresolvedUpdatedBefore: (before, limit, cursor) =>
    queryPage({
      index: 'gsi2',
      partition: keys.unresolvedIncidents().gsi2pk,
      // `<before>` sorts before `<before>#<id>`: an incident updated exactly at `before` is in updatedSince.
      sortKeyRange: [BEFORE_ANY_TIME, before],
      newestFirst: true,
      limit,
      cursor,
      read: incidents.record,
    }),
};

const tickets = entity<TicketRecord>({
  type: 'ticket',
  keys: (t) => ({
    ...keys.ticket(t.ticketId),
    ...(t.kind === 'SERVICE_REQUEST'
      ? keys.serviceRequestsOf(t.organizationId, t.customerId ?? '', t.createdAt, t.ticketId)
      : keys.supportTicketsOf(t.organizationId, t.createdAt, t.ticketId)),
    ...keys.ticketQueue(t.status, t.createdAt, t.ticketId),
  }),
});

/** A ticket's records: the owner's log, a service request's naming its customer (also on the customer's inbound view). */
const ticketRecord = (t: TicketRecord) => ({
  organizationId: t.organizationId,
  ...(t.customerId ? { customerId: t.customerId } : {}),
  resourceType: t.kind === 'SERVICE_REQUEST' ? 'service_request' : 'support_ticket',
  resourceId: t.ticketId,
});

/** DynamoDB implementation of the TicketStore port. */
export const ticketStore: TicketStore = {
  createTicket(ticket) {
    return transactWrite([
      {
        Put: {
          TableName: tableName(),
          Item: tickets.item(ticket),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      recordActivity({
        ...ticketRecord(ticket),
        operation: `${ticket.kind}_CREATED`,
        changes: { status: [null, ticket.status] },
        at: ticket.createdAt,
      }),
    ]);
  },

  async getTicket(ticketId, opts = {}) {
    const { Item } = await db.send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.ticket(ticketId),
        ...(opts.consistent ? { ConsistentRead: true } : {}),
      }),
    );
    return tickets.record(Item);
  },

  addNote(ticket, note, status, maxNotes) {
    return transactWriteIf(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.ticket(ticket.ticketId),
            // list_append is atomic: of concurrent notes none is lost.
            UpdateExpression:
              'SET notes = list_append(notes, :note), #status = :status, updatedAt = :at, gsi2pk = :queue',
            ConditionExpression: '#status <> :closed AND size(notes) < :max',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':note': [note],
              ':status': status,
              ':at': note.at,
              ':queue': keys.ticketQueue(status).gsi2pk,
              ':closed': 'CLOSED',
              ':max': maxNotes,
            },
          },
        },
        recordActivity({
          ...ticketRecord(ticket),
          operation: `${ticket.kind}_NOTE_ADDED`,
          changes: {
            notes: [ticket.notes.length, ticket.notes.length + 1],
            ...(ticket.status === status ? {} : { status: [ticket.status, status] }),
          },
          at: note.at,
          // An operator's note is in the partner's log: it says an operator wrote it, not which one.
          ...(note.by.kind === 'OPERATOR' ? { actor: { kind: 'OPERATOR' as const } } : {}),
        }),
      ],
      [0],
    );
  },

  listSupportTickets: (orgId, limit, cursor) =>
    queryPage({
      index: 'gsi1',
      partition: keys.supportTicketsOf(orgId).gsi1pk,
      newestFirst: true,
      limit,
      cursor,
      read: tickets.record,
    }),

  listServiceRequests: (orgId, customerId, limit, cursor) =>
    queryPage({
      index: 'gsi1',
      partition: keys.serviceRequestsOf(orgId, customerId).gsi1pk,
      newestFirst: true,
      limit,
      cursor,
      read: tickets.record,
    }),

  queue: (status, limit, cursor) =>
    queryPage({
      index: 'gsi2',
      partition: keys.ticketQueue(status).gsi2pk,
      limit,
      cursor,
      read: tickets.record,
    }),
};
