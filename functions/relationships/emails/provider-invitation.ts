import { type Block, type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, languageOf, type RenderedEmail } from '../../platform/mail/locale.ts';

export interface ProviderInvitationParams {
  providerName: string;
  providerDomain: string;
  /** The provider's personal note, quoted as written. */
  message?: string;
  link: string;
  expiresAt: Date;
}

type Copy = (
  p: ProviderInvitationParams,
  expires: string,
  note: Block[],
) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p, expires, note) => ({
    subject: `${p.providerName} invites you to become its indirect reseller`,
    blocks: [
      `${p.providerName} (${p.providerDomain}) is an indirect provider (distributor) and invites your organization to become one of its indirect resellers.`,
      ...note,
      `If you accept, you authorize ${p.providerName} to submit orders on your behalf for your customers and to have admin access to your organization's tenant. Only accept if you trust this provider.`,
      'Only a global admin of your organization can accept this invitation.',
      { action: 'Review the invitation', url: p.link, paste: 'Or paste this link into your browser:' },
      `The link expires on ${expires}.`,
    ],
    footer: `You receive this email because ${p.providerName} invited this email address. If you did not expect it, you can ignore it: nothing changes unless a global admin of your organization accepts.`,
  }),
  es: (p, expires, note) => ({
    subject: `${p.providerName} le invita a ser uno de sus revendedores indirectos`,
    blocks: [
      `${p.providerName} (${p.providerDomain}) es un proveedor indirecto (distribuidor) e invita a su organización a ser uno de sus revendedores indirectos.`,
      ...note,
      `Si acepta, autoriza a ${p.providerName} a enviar pedidos en su nombre para sus clientes y a tener acceso de administrador al inquilino de su organización. Acepte solo si confía en este proveedor.`,
      'Solo un administrador global de su organización puede aceptar esta invitación.',
      { action: 'Revisar la invitación', url: p.link, paste: 'O pegue este enlace en su navegador:' },
      `El enlace caduca el ${expires}.`,
    ],
    footer: `Recibe este correo electrónico porque ${p.providerName} ha invitado a esta dirección. Si no lo esperaba, puede ignorarlo: nada cambia a menos que un administrador global de su organización acepte.`,
  }),
};

const noteIntro: Record<Language, (providerName: string) => string> = {
  en: (name) => `${name} added this message:`,
  es: (name) => `${name} ha añadido este mensaje:`,
};

/** An indirect provider invites an organization to become one of its indirect resellers. */
export function providerInvitationEmail(
  locale: string | undefined,
  p: ProviderInvitationParams,
): RenderedEmail {
  const language = languageOf(locale);
  const message = p.message?.trim();
  const note: Block[] = message ? [noteIntro[language](p.providerName), { quote: message }] : [];
  const { footer, ...content } = copy[language](p, formatDate(p.expiresAt, language), note);
  return renderEmail(language, { ...content, footer });
}
