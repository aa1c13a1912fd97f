import { type EmailContent, renderContactEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentStillInReviewParams {
  contactFirstName: string;
  organizationName: string;
  submittedAt: Date;
  /** 1 for the first reminder; later reminders apologise for the wait. */
  reminderNumber: number;
}

const copy: Record<Language, (p: EnrollmentStillInReviewParams, submitted: string) => EmailContent> = {
  en: (p, submitted) => ({
    subject: `The enrollment of ${p.organizationName} is still in review`,
    blocks: [
      `The indirect reseller enrollment of ${p.organizationName}, submitted on ${submitted}, is still in review.`,
      ...(p.reminderNumber > 1 ? ['We are sorry that this review is taking longer than usual.'] : []),
      'There is nothing you need to do: we will email you as soon as there is a decision.',
    ],
  }),
  es: (p, submitted) => ({
    subject: `La inscripción de ${p.organizationName} sigue en revisión`,
    blocks: [
      `La inscripción de ${p.organizationName} como revendedor indirecto, enviada el ${submitted}, sigue en revisión.`,
      ...(p.reminderNumber > 1 ? ['Lamentamos que esta revisión esté tardando más de lo habitual.'] : []),
      'No tiene que hacer nada: le escribiremos en cuanto haya una decisión.',
    ],
  }),
};

/** Reminds the primary contact that the enrollment is still in review. */
export function enrollmentStillInReviewEmail(
  locale: string | undefined,
  p: EnrollmentStillInReviewParams,
): RenderedEmail {
  const language = languageOf(locale);
  return renderContactEmail(
    language,
    p.contactFirstName,
    copy[language](p, formatDate(p.submittedAt, language)),
  );
}
