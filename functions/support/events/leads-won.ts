import { activityConsumer } from '../../platform/events/activity-stream.ts';
import { markLeadWon } from '../domain/leads.ts';
import { leadDeps } from '../lead-wiring.ts';

/**
 * Stream consumer `leads-won` (functions/consumers.ts): each INVITATION_ACCEPTED activity record
 * may be the acceptance of an invitation made from a lead, which then turns WON (safe to repeat).
 */
export const handler = activityConsumer('INVITATION_ACCEPTED', 'Marking a lead WON', (record) =>
  markLeadWon(leadDeps(), record.resourceId),
);
