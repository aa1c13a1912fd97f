import * as z from 'zod/mini';
import { ListQuery } from '../platform/schemas.ts';
import {
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  SUPPORT_CATEGORIES,
  TICKET_KINDS,
  TICKET_SEVERITIES,
  TICKET_STATUSES,
} from './domain/ticket-model.ts';

const Id = z.string().check(z.minLength(1), z.maxLength(100));
const Text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(max));
const Time = z.iso.datetime({
  offset: true,
  message: 'must be an ISO-8601 time, e.g. 2026-12-01T00:00:00Z',
});

/** Operators choose incident ids (e.g. "EX-20260301"): what a path segment and a key hold safely. */
export const IncidentParams = z.object({
  incidentId: z.string().check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message: 'must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    }),
  ),
});

export const IncidentBody = z
  .object({
    title: Text(200),
    service: Text(100),
    severity: z.enum(INCIDENT_SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    message: Text(2000),
  })
  .register(z.globalRegistry, { id: 'ServiceIncidentRequest' });

export const Incident = z
  .object({
    incidentId: z.string(),
    title: z.string(),
    service: z.string(),
    severity: z.enum(INCIDENT_SEVERITIES),
    status: z.enum(INCIDENT_STATUSES),
    updates: z.array(z.object({ status: z.enum(INCIDENT_STATUSES), message: z.string(), at: z.string() })),
    startedAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'ServiceIncident' });

export const ServiceHealthQuery = z.extend(ListQuery, { since: z.optional(Time) });

export const CustomerParams = z.object({ customerId: Id });
export const ServiceRequestParams = z.object({ customerId: Id, ticketId: Id });
export const TicketParams = z.object({ ticketId: Id });

export const ServiceRequestBody = z
  .object({
    title: Text(200),
    description: Text(5000),
    severity: z.enum(TICKET_SEVERITIES),
    topic: Text(100),
  })
  .register(z.globalRegistry, { id: 'ServiceRequestRequest' });

export const SupportTicketBody = z
  .object({
    title: Text(200),
    description: Text(5000),
    severity: z.enum(TICKET_SEVERITIES),
    category: z.enum(SUPPORT_CATEGORIES),
  })
  .register(z.globalRegistry, { id: 'SupportTicketRequest' });

export const NoteBody = z
  .object({ text: Text(2000), status: z.optional(z.enum(TICKET_STATUSES)) })
  .register(z.globalRegistry, { id: 'TicketNoteRequest' });

export const Ticket = z
  .object({
    ticketId: z.string(),
    kind: z.enum(TICKET_KINDS),
    /** The partner organization that opened it. */
    organizationId: z.string(),
    customerId: z.optional(z.string()),
    title: z.string(),
    description: z.string(),
    severity: z.enum(TICKET_SEVERITIES),
    topic: z.optional(z.string()),
    category: z.optional(z.enum(SUPPORT_CATEGORIES)),
    status: z.enum(TICKET_STATUSES),
    createdAt: z.string(),
    updatedAt: z.string(),
    notes: z.array(
      z.object({
        text: z.string(),
        by: z.object({ kind: z.enum(['PARTNER', 'OPERATOR']), name: z.string() }),
        at: z.string(),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Ticket' });

export const OperatorTicketsQuery = z.extend(ListQuery, { status: z.optional(z.enum(TICKET_STATUSES)) });
