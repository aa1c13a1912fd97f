import { type EmailContent, renderContactEmail } from '../../platform/mail/layout.ts';
import { type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentApprovedParams {
  contactFirstName: string;
  organizationName: string;
  mpnId: string;
  signInUrl: string;
}

const copy: Record<Language, (p: EnrollmentApprovedParams) => EmailContent> = {
  en: (p) => ({
    subject: `The enrollment of ${p.organizationName} is approved`,
    blocks: [
      `Good news: the enrollment is approved and the account is ready. ${p.organizationName} is now an indirect reseller.`,
      { details: [['Partner ID (MPN ID)', p.mpnId]] },
      'As the person who enrolled, you are the global admin and admin agent of the account.',
      { action: 'Sign in', url: p.signInUrl, paste: 'Or paste this link into your browser:' },
    ],
  }),
  es: (p) => ({
    subject: `La inscripción de ${p.organizationName} está aprobada`,
    blocks: [
      `Buenas noticias: la inscripción está aprobada y la cuenta ya está lista. ${p.organizationName} ya es revendedor indirecto.`,
      { details: [['ID de partner (ID de MPN)', p.mpnId]] },
      'Como persona que realizó la inscripción, usted es administrador global y agente de administración de la cuenta.',
      { action: 'Iniciar sesión', url: p.signInUrl, paste: 'O pegue este enlace en su navegador:' },
    ],
  }),
};

/** Tells the primary contact that the organization is now an indirect reseller and how to sign in. */
export function enrollmentApprovedEmail(
  locale: string | undefined,
  p: EnrollmentApprovedParams,
): RenderedEmail {
  const language = languageOf(locale);
  return renderContactEmail(language, p.contactFirstName, copy[language](p));
}
