import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface LeadReferralParams {
  providerName: string;
  resellerName: string;
  companyName: string;
  contactName: string;
  contactEmail: string;
  country: string;
  /** When the new lead expires if nobody acts on it. */
  expiresAt: Date;
}

type Copy = (p: LeadReferralParams, expires: string) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p, expires) => ({
    subject: `${p.providerName} shared a lead with ${p.resellerName}: ${p.companyName}`,
    blocks: [
      `${p.providerName}, your indirect provider, referred a possible customer to ${p.resellerName}. It is now a NEW lead on your leads list.`,
      {
        details: [
          ['Company', p.companyName],
          ['Contact', p.contactName],
          ['Email', p.contactEmail],
          ['Country', p.country],
        ],
      },
      `Accept it (status ACTIVE) or decline it with a reason; invite the contact to a relationship with your organization from the lead. A lead nobody acts on expires on ${expires}.`,
    ],
    footer: `You receive this email because you are a global admin of ${p.resellerName}, which ${p.providerName} is linked with as an indirect reseller.`,
  }),
  es: (p, expires) => ({
    subject: `${p.providerName} ha compartido un cliente potencial con ${p.resellerName}: ${p.companyName}`,
    blocks: [
      `${p.providerName}, su proveedor indirecto, ha recomendado un posible cliente a ${p.resellerName}. Ya figura como cliente potencial NEW en su lista.`,
      {
        details: [
          ['Empresa', p.companyName],
          ['Contacto', p.contactName],
          ['Correo electrónico', p.contactEmail],
          ['País', p.country],
        ],
      },
      `Acéptelo (estado ACTIVE) o rechácelo indicando el motivo; desde el cliente potencial puede invitar al contacto a una relación con su organización. Un cliente potencial sin actividad caduca el ${expires}.`,
    ],
    footer: `Recibe este correo electrónico porque es administrador global de ${p.resellerName}, vinculado a ${p.providerName} como revendedor indirecto.`,
  }),
};

/** A provider shared a lead with a reseller: sent to the reseller's global admins. */
export function leadReferralEmail(language: Language, p: LeadReferralParams): RenderedEmail {
  const { footer, ...content } = copy[language](p, formatDate(p.expiresAt, language));
  return renderEmail(language, { ...content, footer });
}
