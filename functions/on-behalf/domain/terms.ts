import { mailGlobalAdmins, type Organizations } from '../../identity/domain/admins.ts';
import type { Language, RenderedEmail } from '../../platform/mail/locale.ts';
import type { Clock, Mailer, Timers } from '../../platform/ports.ts';
import { relationshipEndedEmail } from '../emails/relationship-ended.ts';
import { relationshipEndingEmail } from '../emails/relationship-ending.ts';
import { AUTO_EXTEND_DAYS } from '../emails/roles.ts';
import type { AdminRelationshipStore } from '../ports.ts';
import type { AdminRelationshipRecord } from './model.ts';

const DAY_MS = 86_400_000;
/** Days before the end that both sides are told. */
export const NOTICE_DAYS = [30, 7, 1] as const;

/** What an admin relationship timer asks of the task, about the term ending (or request expiring) at `at`. */
export interface AdminRelationshipTimer {
  kind: 'REQUEST_EXPIRY' | 'NOTICE' | 'END';
  relationshipId: string;
  /** The end (of the request, or of the active term) the timer is about. */
  at: string;
  /** NOTICE: days left. */
  daysLeft?: number;
}

/** Scheduler names: 1–64 of [0-9A-Za-z_.-], unique per relationship, kind and end. */
export const adminTimerName = (t: AdminRelationshipTimer) =>
  `${t.relationshipId}.${t.kind === 'REQUEST_EXPIRY' ? 'x' : t.kind === 'END' ? 'e' : `n${t.daysLeft}`}.${t.at.replace(/[^0-9]/g, '').slice(0, 14)}`;

/** The timers of a relationship's current state: the request's expiry, or the term's notices still ahead and its end. */
export function adminTimers(
  r: AdminRelationshipRecord,
  now: Date,
): Array<{ timer: AdminRelationshipTimer; due: Date }> {
  const base = { relationshipId: r.relationshipId };
  if (r.status === 'APPROVAL_PENDING')
    return [
      {
        timer: { ...base, kind: 'REQUEST_EXPIRY', at: r.requestExpiresAt },
        due: new Date(r.requestExpiresAt),
      },
    ];
  if (r.status !== 'ACTIVE' || !r.endsAt) return [];
  const end = new Date(r.endsAt);
  const at = r.endsAt;
  return [
    ...NOTICE_DAYS.map((daysLeft) => ({
      timer: { ...base, kind: 'NOTICE' as const, at, daysLeft },
      due: new Date(end.getTime() - daysLeft * DAY_MS),
    })).filter(({ due }) => due > now),
    { timer: { ...base, kind: 'END', at }, due: end },
  ];
}

export const armAdminTimers = (
  timers: Timers<AdminRelationshipTimer>,
  r: AdminRelationshipRecord,
  now: Date,
) => Promise.all(adminTimers(r, now).map(({ timer, due }) => timers.at(adminTimerName(timer), due, timer)));

/** Deletes every timer the relationship's current state may have (whatever is still pending). */
export const disarmAdminTimers = (timers: Timers<AdminRelationshipTimer>, r: AdminRelationshipRecord) =>
  Promise.all(adminTimers(r, new Date(0)).map(({ timer }) => timers.cancel(adminTimerName(timer))));

interface Deps {
  adminRelationships: AdminRelationshipStore;
  organizations: Organizations;
  mailer: Mailer;
  clock: Clock;
  timers: Timers<AdminRelationshipTimer>;
}

/** Emails the global admins of both sides (best effort, see mailGlobalAdmins). */
const tellBothSides = (
  deps: Deps,
  r: AdminRelationshipRecord,
  render: (audience: 'partner' | 'customer', language: Language) => RenderedEmail,
) =>
  Promise.all(
    (['partner', 'customer'] as const).map((audience) =>
      mailGlobalAdmins(
        deps,
        audience === 'partner' ? r.partner.organizationId : r.customer.organizationId,
        (language) => render(audience, language),
        { relationshipId: r.relationshipId },
      ),
    ),
  );

/**
 * The admin-relationship-terms task: one timer fired. It re-reads the relationship and acts only
 * if the timer is about its current state (a request still pending, a term still ending then):
 * a pending request expires; 30, 7 and 1 days before the end both sides are told; at the end an
 * autoExtend relationship extends by 180 days (new timers), any other expires, its grant and name
 * released in the same transaction. A concurrent change makes the write fail and Scheduler retry.
 */
export async function runAdminRelationshipTimer(deps: Deps, timer: AdminRelationshipTimer) {
  const r = await deps.adminRelationships.get(timer.relationshipId);
  const now = deps.clock.now();
  if (!r) return { done: 'nothing: no such relationship' };
  if (timer.kind === 'REQUEST_EXPIRY') {
    if (r.status !== 'APPROVAL_PENDING' || r.requestExpiresAt !== timer.at)
      return { done: 'nothing: answered' };
    const { tokenHash: _t, ...rest } = r;
    const after: AdminRelationshipRecord = { ...rest, status: 'EXPIRED', endedAt: r.requestExpiresAt };
    if (!(await deps.adminRelationships.end(r, after, r.partner.organizationId)))
      throw new Error(`Admin relationship ${r.relationshipId} changed while its request expired`);
    return { done: 'REQUEST_EXPIRED' };
  }
  if (r.status !== 'ACTIVE' || r.endsAt !== timer.at) return { done: 'nothing: the term moved on or ended' };
  if (timer.kind === 'NOTICE') {
    await tellBothSides(deps, r, (audience, language) =>
      relationshipEndingEmail(language, {
        audience,
        partnerName: r.partner.name,
        customerName: r.customer.name,
        displayName: r.displayName,
        endsAt: new Date(r.endsAt ?? ''),
        daysLeft: timer.daysLeft ?? 0,
        autoExtend: r.autoExtend,
      }),
    );
    return { done: 'NOTICE' };
  }
  if (r.autoExtend) {
    const after: AdminRelationshipRecord = {
      ...r,
      endsAt: new Date(Date.parse(r.endsAt) + AUTO_EXTEND_DAYS * DAY_MS).toISOString(),
    };
    if (!(await deps.adminRelationships.extend(r, after)))
      throw new Error(`Admin relationship ${r.relationshipId} changed while it extended`);
    await armAdminTimers(deps.timers, after, now);
    return { done: 'EXTENDED' };
  }
  const after: AdminRelationshipRecord = { ...r, status: 'EXPIRED', endedAt: r.endsAt };
  if (!(await deps.adminRelationships.end(r, after, r.partner.organizationId)))
    throw new Error(`Admin relationship ${r.relationshipId} changed while it expired`);
  await tellBothSides(deps, r, (audience, language) =>
    relationshipEndedEmail(language, {
      audience,
      partnerName: r.partner.name,
      customerName: r.customer.name,
      displayName: r.displayName,
      how: 'EXPIRED',
      endedAt: new Date(r.endsAt ?? ''),
    }),
  );
  return { done: 'EXPIRED' };
}
