import { renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentReviewOverdueParams {
  organizationName: string;
  enrollmentId: string;
  submittedAt: Date;
  daysInReview: number;
}

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** Tells the operators that an enrollment has waited too long for review. English only. */
export function enrollmentReviewOverdueEmail(p: EnrollmentReviewOverdueParams): RenderedEmail {
  return renderEmail('en', {
    subject: `Review overdue: ${p.organizationName} (${days(p.daysInReview)} in review)`,
    blocks: [
      `The indirect reseller enrollment of ${p.organizationName} has been in review for ${days(p.daysInReview)}.`,
      {
        details: [
          ['Organization', p.organizationName],
          ['Enrollment ID', p.enrollmentId],
          ['Submitted on', formatDate(p.submittedAt, 'en')],
          ['Days in review', String(p.daysInReview)],
        ],
      },
      'Approve the enrollment, or reject it with a reason the primary contact can act on.',
    ],
    footer: 'Sent to the operators of the partner platform.',
  });
}
