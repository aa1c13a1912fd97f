import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import type { Language, RenderedEmail } from '../../platform/mail/locale.ts';

export interface ContactRequestParams {
  /** The provider, as its listing names it. */
  providerName: string;
  organization: { name: string; domain: string; country: string };
  /** Whether the requesting organization is a reseller already or still enrolling as one. */
  enrolling: boolean;
  user: { firstName: string; lastName: string; email: string };
  /** The requester's own words: user text, escaped by the layout, quoted as written. */
  message: string;
}

type Copy = (p: ContactRequestParams) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p) => ({
    subject: `${p.organization.name} would like to work with ${p.providerName} as its indirect provider`,
    blocks: [
      `${p.user.firstName} ${p.user.lastName} of ${p.organization.name} found ${p.providerName} in the provider directory and asks to be contacted:`,
      { quote: p.message },
      {
        details: [
          ['Organization', p.organization.name],
          ['Domain', p.organization.domain],
          ['Country', p.organization.country],
          ['Status', p.enrolling ? 'Enrolling as an indirect reseller' : 'Indirect reseller'],
          ['Contact', `${p.user.firstName} ${p.user.lastName} <${p.user.email}>`],
        ],
      },
      `Reply to this email to answer ${p.user.firstName} directly. To work together, invite ${p.organization.name} as an indirect reseller (POST /indirect-resellers/invitations) with an address at ${p.organization.domain}.`,
    ],
    footer: `You receive this email because it is the contact address of the ${p.providerName} listing in the provider directory. Change it with PUT /provider-listing.`,
  }),
  es: (p) => ({
    subject: `${p.organization.name} quiere trabajar con ${p.providerName} como su proveedor indirecto`,
    blocks: [
      `${p.user.firstName} ${p.user.lastName}, de ${p.organization.name}, encontró a ${p.providerName} en el directorio de proveedores y pide que se pongan en contacto:`,
      { quote: p.message },
      {
        details: [
          ['Organización', p.organization.name],
          ['Dominio', p.organization.domain],
          ['País', p.organization.country],
          ['Estado', p.enrolling ? 'Inscribiéndose como revendedor indirecto' : 'Revendedor indirecto'],
          ['Contacto', `${p.user.firstName} ${p.user.lastName} <${p.user.email}>`],
        ],
      },
      `Responda a este correo electrónico para contestar directamente a ${p.user.firstName}. Para trabajar juntos, invite a ${p.organization.name} como revendedor indirecto (POST /indirect-resellers/invitations) con una dirección de ${p.organization.domain}.`,
    ],
    footer: `Recibe este correo electrónico porque es la dirección de contacto de la ficha de ${p.providerName} en el directorio de proveedores. Cámbiela con PUT /provider-listing.`,
  }),
};

/** A reseller (or an enrolling organization) asks a provider of the directory to contact it; replies go to the requester. */
export function contactRequestEmail(language: Language, p: ContactRequestParams): RenderedEmail {
  const { footer, ...content } = copy[language](p);
  return renderEmail(language, { ...content, footer });
}
