import { type EmailContent, renderContactEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface EnrollmentVerificationParams {
  contactFirstName: string;
  organizationName: string;
  link: string;
  expiresAt: Date;
}

const copy: Record<Language, (p: EnrollmentVerificationParams, expires: string) => EmailContent> = {
  en: (p, expires) => ({
    subject: `Verify your email to enroll ${p.organizationName}`,
    blocks: [
      `Confirm your email address to continue the indirect reseller enrollment of ${p.organizationName}.`,
      { action: 'Verify my email', url: p.link, paste: 'Or paste this link into your browser:' },
      `The link works once and expires on ${expires}.`,
      'If you did not expect this email, you can ignore it.',
    ],
  }),
  es: (p, expires) => ({
    subject: `Verifique su correo electrónico para inscribir a ${p.organizationName}`,
    blocks: [
      `Confirme su dirección de correo electrónico para continuar con la inscripción de ${p.organizationName} como revendedor indirecto.`,
      {
        action: 'Verificar mi correo electrónico',
        url: p.link,
        paste: 'O pegue este enlace en su navegador:',
      },
      `El enlace solo puede usarse una vez y caduca el ${expires}.`,
      'Si no esperaba este mensaje, puede ignorarlo.',
    ],
  }),
};

/** Asks the primary contact to verify their email so the enrollment can go to review. */
export function enrollmentVerificationEmail(
  locale: string | undefined,
  p: EnrollmentVerificationParams,
): RenderedEmail {
  const language = languageOf(locale);
  return renderContactEmail(
    language,
    p.contactFirstName,
    copy[language](p, formatDate(p.expiresAt, language)),
  );
}
