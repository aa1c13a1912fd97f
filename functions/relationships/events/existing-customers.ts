import { existingCustomersOfApproval } from '../../enrollment/domain/enrollments.ts';
import { enrollmentDeps } from '../../enrollment/wiring.ts';
import { activityConsumer } from '../../platform/events/activity-stream.ts';
import { logger } from '../../platform/logger.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { carryOverExistingCustomers } from '../domain/existing.ts';
import { relationshipDeps } from '../wiring.ts';

/**
 * Stream consumer `existing-customers` (functions/consumers.ts): each ENROLLMENT_APPROVED activity
 * record (the filter passes only those) carries the new reseller's existing customers over to its
 * customer list. A failure reports its record, so the stream is read again from there (carrying
 * over is safe to repeat).
 */
export const handler = activityConsumer(
  'ENROLLMENT_APPROVED',
  'Carrying existing customers over',
  async (record) => {
    const approval = await existingCustomersOfApproval(enrollmentDeps(), record.resourceId);
    if (!approval || approval.customers.length === 0) return;
    const outcomes = await carryOverExistingCustomers(
      relationshipDeps({ mailer: sesMailer }),
      approval.resellerId,
      approval.customers,
    );
    logger.info('Existing customers carried over', { enrollmentId: record.resourceId, outcomes });
  },
);
