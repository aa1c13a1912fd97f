import { DomainError } from '../../platform/errors.ts';
import type { Clock, Page } from '../../platform/ports.ts';
import type { IncidentStore } from '../ticket-ports.ts';
import type { IncidentRecord, IncidentSeverity, IncidentStatus, IncidentUpdate } from './ticket-model.ts';

export interface IncidentDeps {
  incidents: IncidentStore;
  clock: Clock;
}

export interface IncidentInput {
  title: string;
  service: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  message: string;
}

/** An incident keeps at most this many updates (an item holds 400 KB; a message 2,000 characters). */
export const MAX_INCIDENT_UPDATES = 100;
/** Service health shows incidents open or updated in this many days. */
export const SERVICE_HEALTH_DAYS = 30;
const DAY_MS = 86_400_000;
/** A PUT that lost a race with another reads again this many times, then answers CONFLICT. */
const ATTEMPTS = 5;

/** An incident as API.md shows it. */
export const publicIncident = (i: IncidentRecord) => ({
  incidentId: i.incidentId,
  title: i.title,
  service: i.service,
  severity: i.severity,
  status: i.status,
  updates: i.updates.map((u) => ({ status: u.status, message: u.message, at: u.at })),
  startedAt: i.startedAt,
  updatedAt: i.updatedAt,
  ...(i.resolvedAt ? { resolvedAt: i.resolvedAt } : {}),
});

/** The fields a PUT may change, as the activity record's `changes` names them. */
const CHANGED_FIELDS = ['title', 'service', 'severity', 'status'] as const;

/**
 * PUT /operator/service-incidents/{incidentId}: creates the incident at its first PUT (`startedAt`),
 * and every PUT appends its message to the updates. RESOLVED sets `resolvedAt` (kept by a repeated
 * RESOLVED); any other status after it reopens the incident (no `resolvedAt`). Each PUT is one
 * conditional write with its activity record in the platform's log.
 */
export async function putIncident(deps: IncidentDeps, incidentId: string, input: IncidentInput) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await deps.incidents.getIncident(incidentId);
    if (before && before.updates.length >= MAX_INCIDENT_UPDATES)
      throw new DomainError(
        'CONFLICT',
        `This incident holds the most updates it can (${MAX_INCIDENT_UPDATES}); resolve it and post what follows as a new incident.`,
      );
    const at = deps.clock.now().toISOString();
    const update: IncidentUpdate = { status: input.status, message: input.message, at };
    const resolvedAt =
      input.status === 'RESOLVED' ? (before?.status === 'RESOLVED' ? before.resolvedAt : at) : undefined;
    const after: IncidentRecord = {
      incidentId,
      title: input.title,
      service: input.service,
      severity: input.severity,
      status: input.status,
      updates: [...(before?.updates ?? []), update],
      startedAt: before?.startedAt ?? at,
      updatedAt: at,
      ...(resolvedAt ? { resolvedAt } : {}),
      version: (before?.version ?? 0) + 1,
    };
    const changes: Record<string, [unknown, unknown]> = {};
    for (const field of CHANGED_FIELDS)
      if (before?.[field] !== after[field]) changes[field] = [before?.[field] ?? null, after[field]];
    if (await deps.incidents.putIncident(before, after, changes)) return publicIncident(after);
  }
  throw new DomainError(
    'CONFLICT',
    'The incident is being updated by someone else right now; read it and retry.',
  );
}

/** Where a page of service health starts: the window's start, which list, and that list's own cursor. */
interface HealthCursor {
  /** Updates at or after this time. */
  from: string;
  /** Whether unresolved incidents updated before `from` follow (no `since` was given). */
  open: boolean;
  phase: 'recent' | 'open';
  next?: string;
}

const badCursor = () =>
  new DomainError('VALIDATION_FAILED', 'The cursor is not valid for this list; start again without it.', {
    errors: [{ path: 'query.cursor', message: 'is not a cursor of this list' }],
  });

const isIsoTime = (value: unknown): value is string =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));

function decodeHealthCursor(cursor: string, oldest: Date): HealthCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badCursor();
  const c = parsed as Record<string, unknown>;
  const known = new Set(['from', 'open', 'phase', 'next']);
  if (Object.keys(c).some((k) => !known.has(k))) throw badCursor();
  if (!isIsoTime(c.from) || typeof c.open !== 'boolean') throw badCursor();
  if (c.phase !== 'recent' && c.phase !== 'open') throw badCursor();
  if (c.phase === 'open' && !c.open) throw badCursor();
  if (c.next !== undefined && (typeof c.next !== 'string' || c.next === '')) throw badCursor();
  // A window a page started with may be a little older than today's (pages read a while apart),
  // never older than the 30 days plus a day.
  if (Date.parse(c.from) < oldest.getTime() - DAY_MS) throw badCursor();
  return {
    from: new Date(c.from).toISOString(),
    open: c.open,
    phase: c.phase,
    ...(c.next ? { next: c.next } : {}),
  };
}

const encodeHealthCursor = (c: HealthCursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

/**
 * GET /service-health: incidents updated in the last 30 days (any status) and unresolved ones
 * whatever their age, most recently updated first. Strict order with two Queries at most per page:
 * the incidents updated since the window's start (gsi1, newest first) come before every
 * unresolved one updated earlier (gsi2, newest first), so the two lists are read one after the
 * other. `since` narrows the window to incidents updated at or after it (what changed since the
 * caller last looked; older unresolved ones are not repeated); before 30 days ago it is refused.
 */
export async function serviceHealth(
  deps: IncidentDeps,
  query: { since?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<ReturnType<typeof publicIncident>>> {
  const now = deps.clock.now();
  const oldest = new Date(now.getTime() - SERVICE_HEALTH_DAYS * DAY_MS);
  if (query.since !== undefined && Date.parse(query.since) < oldest.getTime())
    throw new DomainError(
      'VALIDATION_FAILED',
      `Service health reads ${SERVICE_HEALTH_DAYS} days back at most; send a "since" after ${oldest.toISOString()}, or none.`,
      { errors: [{ path: 'query.since', message: `must be within the last ${SERVICE_HEALTH_DAYS} days` }] },
    );
  const start: HealthCursor = query.cursor
    ? decodeHealthCursor(query.cursor, oldest)
    : {
        from: query.since ? new Date(query.since).toISOString() : oldest.toISOString(),
        open: query.since === undefined,
        phase: 'recent',
      };
  const items: IncidentRecord[] = [];
  let nextCursor: string | undefined;
  if (start.phase === 'recent') {
    const page = await deps.incidents.updatedSince(start.from, query.limit, start.next);
    items.push(...page.items);
    if (page.nextCursor) nextCursor = encodeHealthCursor({ ...start, next: page.nextCursor });
    else if (start.open && items.length < query.limit) {
      const open = await deps.incidents.unresolvedUpdatedBefore(start.from, query.limit - items.length);
      items.push(...open.items);
      if (open.nextCursor)
        nextCursor = encodeHealthCursor({
          from: start.from,
          open: true,
          phase: 'open',
          next: open.nextCursor,
        });
    } else if (start.open) nextCursor = encodeHealthCursor({ from: start.from, open: true, phase: 'open' });
  } else {
    const page = await deps.incidents.unresolvedUpdatedBefore(start.from, query.limit, start.next);
    items.push(...page.items);
    if (page.nextCursor) nextCursor = encodeHealthCursor({ ...start, next: page.nextCursor });
  }
  const listed = items.map(publicIncident);
  return nextCursor ? { items: listed, nextCursor } : { items: listed };
}
