import { type EmailContent, renderContactEmail } from '../../platform/mail/layout.ts';
import { type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentInReviewParams {
  contactFirstName: string;
  organizationName: string;
  enrollmentId: string;
}

const copy: Record<Language, (p: EnrollmentInReviewParams) => EmailContent> = {
  en: (p) => ({
    subject: `The enrollment of ${p.organizationName} is in review`,
    blocks: [
      `Thank you for verifying your email. The indirect reseller enrollment of ${p.organizationName} is now in review.`,
      'Reviews take several business days. There is nothing you need to do now: we will email you at every step.',
      { details: [['Enrollment ID', p.enrollmentId]] },
    ],
  }),
  es: (p) => ({
    subject: `La inscripción de ${p.organizationName} está en revisión`,
    blocks: [
      `Gracias por verificar su correo electrónico. La inscripción de ${p.organizationName} como revendedor indirecto ya está en revisión.`,
      'La revisión tarda varios días laborables. Ahora no tiene que hacer nada: le escribiremos en cada paso del proceso.',
      { details: [['ID de inscripción', p.enrollmentId]] },
    ],
  }),
};

/** Tells the primary contact that their email is verified and the enrollment is in review. */
export function enrollmentInReviewEmail(
  locale: string | undefined,
  p: EnrollmentInReviewParams,
): RenderedEmail {
  const language = languageOf(locale);
  return renderContactEmail(language, p.contactFirstName, copy[language](p));
}
