import { type Block, type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface CustomerRelationshipParams {
  resellerName: string;
  resellerDomain: string;
  /** Whether accepting also grants delegated administration privileges for the customer's tenant. */
  delegatedAdmin: boolean;
  link: string;
  expiresAt: Date;
}

/**
 * A customer request: the message's own lead (`copy`, by language), then what every customer
 * request says (who may accept, the link, its expiry) and its footer.
 */
export function renderCustomerRequest<P extends { resellerName: string; link: string; expiresAt: Date }>(
  locale: string | undefined,
  copy: Record<Language, (p: P) => EmailContent>,
  p: P,
): RenderedEmail {
  const language = languageOf(locale);
  const content = copy[language](p);
  const notes = customerRequestNotes(language, p);
  return renderEmail(language, {
    subject: content.subject,
    blocks: [...content.blocks, ...notes.blocks],
    footer: notes.footer,
  });
}

/** What every customer request says after what accepting grants: who may accept, the link, its expiry, and the footer. */
export function customerRequestNotes(
  language: Language,
  p: { resellerName: string; link: string; expiresAt: Date },
): { blocks: Block[]; footer: string } {
  const expires = formatDate(p.expiresAt, language);
  return language === 'es'
    ? {
        blocks: [
          'Solo un administrador global de su organización puede aceptar esta solicitud.',
          'Si su empresa todavía no tiene una cuenta profesional, cree una primero y después vuelva a este enlace.',
          { action: 'Revisar la solicitud', url: p.link, paste: 'O pegue este enlace en su navegador:' },
          `El enlace caduca el ${expires}.`,
        ],
        footer: `Recibe este correo electrónico porque ${p.resellerName} ha enviado esta solicitud a su dirección. Si no lo esperaba, puede ignorarlo: nada se comparte a menos que un administrador global de su organización acepte.`,
      }
    : {
        blocks: [
          'Only a global admin of your organization can accept this request.',
          'If your company does not have a work account yet, create one first, then come back to this link.',
          { action: 'Review the request', url: p.link, paste: 'Or paste this link into your browser:' },
          `The link expires on ${expires}.`,
        ],
        footer: `You receive this email because ${p.resellerName} sent this request to your email address. If you did not expect it, you can ignore it: nothing is shared unless a global admin of your organization accepts.`,
      };
}

const copy: Record<Language, (p: CustomerRelationshipParams) => EmailContent> = {
  en: (p) => ({
    subject: `${p.resellerName} asks to become your Cloud Solution Provider`,
    blocks: [
      `${p.resellerName} (${p.resellerDomain}) asks to become the Cloud Solution Provider of your organization.`,
      `If you accept, ${p.resellerName} becomes your partner and can order cloud services for your organization.`,
      ...(p.delegatedAdmin
        ? [
            `${p.resellerName} will also get delegated administration privileges for your organization's tenant.`,
          ]
        : []),
    ],
  }),
  es: (p) => ({
    subject: `${p.resellerName} solicita ser su proveedor de soluciones en la nube`,
    blocks: [
      `${p.resellerName} (${p.resellerDomain}) solicita ser el proveedor de soluciones en la nube de su organización.`,
      `Si acepta, ${p.resellerName} podrá pedir servicios en la nube para su organización.`,
      ...(p.delegatedAdmin
        ? [
            `${p.resellerName} también obtendrá privilegios de administración delegada para el inquilino de su organización.`,
          ]
        : []),
    ],
  }),
};

/** A reseller asks an organization to accept it as its Cloud Solution Provider. */
export const customerRelationshipEmail = (
  locale: string | undefined,
  p: CustomerRelationshipParams,
): RenderedEmail => renderCustomerRequest(locale, copy, p);
