import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';
import type { DelegatedRole } from '../domain/model.ts';
import { AUTO_EXTEND_DAYS, durationInWords, roleName, roleWhat } from './roles.ts';

export interface ApprovalRequestParams {
  partnerName: string;
  customerName: string;
  /** The request's name, as the partner wrote it. */
  displayName: string;
  roles: DelegatedRole[];
  /** "P<n>D". */
  duration: string;
  autoExtend: boolean;
  /** The approval link (GET /admin-relationships/approve?token=…). */
  link: string;
  requestExpiresAt: Date;
}

type Copy = (
  p: ApprovalRequestParams,
  words: { duration: string; expires: string; roles: [string, string][] },
) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p, w) => ({
    subject: `${p.partnerName} asks for admin access to ${p.customerName}`,
    blocks: [
      `${p.partnerName} asks for admin access to your organization ${p.customerName}, in a request named "${p.displayName}".`,
      `If you approve, ${p.partnerName} can act for ${p.customerName} in these roles:`,
      { details: w.roles },
      `The access lasts ${w.duration} from approval.${
        p.autoExtend
          ? ` It then extends by ${AUTO_EXTEND_DAYS} days automatically, unless ${p.customerName} or ${p.partnerName} ends it.`
          : ' It then ends; more time needs a new request and a new approval.'
      }`,
      `Only a global admin of ${p.customerName} can approve this request. ${p.customerName} can end this access at any time, and it then ends at once. Only approve if you trust ${p.partnerName}.`,
      { action: 'Review the request', url: p.link, paste: 'Or paste this link into your browser:' },
      `The link expires on ${w.expires}.`,
    ],
    footer: `You receive this email because you are a global admin of ${p.customerName}. If you did not expect it, you can ignore it: nothing changes unless a global admin of ${p.customerName} approves.`,
  }),
  es: (p, w) => ({
    subject: `${p.partnerName} solicita acceso de administrador a ${p.customerName}`,
    blocks: [
      `${p.partnerName} solicita acceso de administrador a su organización ${p.customerName}, en una solicitud llamada "${p.displayName}".`,
      `Si aprueba, ${p.partnerName} podrá actuar en nombre de ${p.customerName} con estos roles:`,
      { details: w.roles },
      `El acceso dura ${w.duration} desde la aprobación.${
        p.autoExtend
          ? ` Después se amplía automáticamente ${AUTO_EXTEND_DAYS} días, salvo que ${p.customerName} o ${p.partnerName} lo finalicen.`
          : ' Después finaliza; para más tiempo se necesita una nueva solicitud y una nueva aprobación.'
      }`,
      `Solo un administrador global de ${p.customerName} puede aprobar esta solicitud. ${p.customerName} puede finalizar este acceso en cualquier momento, y entonces finaliza de inmediato. Apruebe solo si confía en ${p.partnerName}.`,
      { action: 'Revisar la solicitud', url: p.link, paste: 'O pegue este enlace en su navegador:' },
      `El enlace caduca el ${w.expires}.`,
    ],
    footer: `Recibe este correo electrónico porque es administrador global de ${p.customerName}. Si no lo esperaba, puede ignorarlo: nada cambia a menos que un administrador global de ${p.customerName} apruebe la solicitud.`,
  }),
};

/** A partner asks for delegated admin access: sent to each global admin of the customer, with the approval link. */
export function approvalRequestEmail(language: Language, p: ApprovalRequestParams): RenderedEmail {
  const { footer, ...content } = copy[language](p, {
    duration: durationInWords(p.duration, language),
    expires: formatDate(p.requestExpiresAt, language),
    roles: p.roles.map((role) => [roleName(role, language), roleWhat(role, language)]),
  });
  return renderEmail(language, { ...content, footer });
}
