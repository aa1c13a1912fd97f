import { type EmailContent, renderContactEmail } from '../../platform/mail/layout.ts';
import { type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentExpiredParams {
  contactFirstName: string;
  organizationName: string;
}

const copy: Record<Language, (p: EnrollmentExpiredParams) => EmailContent> = {
  en: (p) => ({
    subject: `The enrollment of ${p.organizationName} has expired`,
    blocks: [
      `The verification link for the indirect reseller enrollment of ${p.organizationName} was not used within 7 days, so the enrollment has expired.`,
      `To enroll ${p.organizationName}, start a new enrollment.`,
    ],
  }),
  es: (p) => ({
    subject: `La inscripción de ${p.organizationName} ha caducado`,
    blocks: [
      `El enlace de verificación de la inscripción de ${p.organizationName} como revendedor indirecto no se usó en un plazo de 7 días, por lo que la inscripción ha caducado.`,
      `Para inscribir a ${p.organizationName}, inicie una nueva inscripción.`,
    ],
  }),
};

/** Tells the primary contact that the enrollment expired because the email was never verified. */
export function enrollmentExpiredEmail(
  locale: string | undefined,
  p: EnrollmentExpiredParams,
): RenderedEmail {
  const language = languageOf(locale);
  return renderContactEmail(language, p.contactFirstName, copy[language](p));
}
