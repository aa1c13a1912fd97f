import { activityConsumer } from '../../platform/events/activity-stream.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { relationshipStore } from '../../relationships/wiring.ts';
import { grantDefaultRelationships } from '../domain/defaults.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

/**
 * Stream consumer `default-admin-relationships` (functions/consumers.ts): each INVITATION_ACCEPTED
 * activity record (the filter passes only those) may make "Default" admin relationships. A failure
 * reports its record, so the stream is read again from there (making them is safe to repeat).
 */
export const handler = activityConsumer(
  'INVITATION_ACCEPTED',
  'Making the Default admin relationships',
  (record) =>
    grantDefaultRelationships(
      {
        ...onBehalfDeps({ timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS) }),
        invitations: relationshipStore,
      },
      record.resourceId,
    ),
);
