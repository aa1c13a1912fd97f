import { type EmailContent, renderContactEmail } from '../../platform/mail/layout.ts';
import { type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentRejectedParams {
  contactFirstName: string;
  organizationName: string;
  reason: string;
}

const copy: Record<Language, (p: EnrollmentRejectedParams) => EmailContent> = {
  en: (p) => ({
    subject: `The enrollment of ${p.organizationName} was not approved`,
    blocks: [
      `We reviewed the indirect reseller enrollment of ${p.organizationName} and could not approve it, for this reason:`,
      { quote: p.reason },
      'You may correct the details and enroll again.',
    ],
  }),
  es: (p) => ({
    subject: `La inscripción de ${p.organizationName} no se ha aprobado`,
    blocks: [
      `Hemos revisado la inscripción de ${p.organizationName} como revendedor indirecto y no hemos podido aprobarla por el siguiente motivo:`,
      { quote: p.reason },
      'Puede corregir los datos y volver a inscribirse.',
    ],
  }),
};

/** Tells the primary contact that the enrollment was not approved, and why. */
export function enrollmentRejectedEmail(
  locale: string | undefined,
  p: EnrollmentRejectedParams,
): RenderedEmail {
  const language = languageOf(locale);
  return renderContactEmail(language, p.contactFirstName, copy[language](p));
}
