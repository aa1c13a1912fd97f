import { renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';
import { AUTO_EXTEND_DAYS } from './roles.ts';

export interface RelationshipEndingParams {
  /** Who reads it: the partner's global admins or the customer's. */
  audience: 'partner' | 'customer';
  partnerName: string;
  customerName: string;
  displayName: string;
  endsAt: Date;
  /** Days left: 30, 7 or 1. */
  daysLeft: number;
  /** At the end it extends by 180 days instead of ending. */
  autoExtend: boolean;
}

/** 30, 7 and 1 days before an active admin relationship ends (or extends itself), both sides are told. */
export function relationshipEndingEmail(language: Language, p: RelationshipEndingParams): RenderedEmail {
  const date = formatDate(p.endsAt, language);
  if (language === 'es') {
    const days = p.daysLeft === 1 ? '1 día' : `${p.daysLeft} días`;
    return renderEmail('es', {
      subject: p.autoExtend
        ? `El acceso de administrador de ${p.partnerName} a ${p.customerName} se amplía el ${date}`
        : `El acceso de administrador de ${p.partnerName} a ${p.customerName} finaliza el ${date}`,
      blocks: [
        `La relación de administración "${p.displayName}" de ${p.partnerName} con ${p.customerName} termina su plazo en ${days}, el ${date}.`,
        p.autoExtend
          ? `Se ampliará automáticamente ${AUTO_EXTEND_DAYS} días. ${p.audience === 'customer' ? `Si no lo desea, finalícela antes de esa fecha.` : `${p.customerName} puede finalizarla en cualquier momento.`}`
          : `Ese día el acceso finaliza. ${p.audience === 'partner' ? `Para seguir administrando ${p.customerName}, envíe una nueva solicitud a tiempo: necesita la aprobación de un administrador global de ${p.customerName}.` : `Si ${p.partnerName} le pide acceso de nuevo, recibirá una nueva solicitud para aprobar.`}`,
      ],
      footer:
        p.audience === 'partner'
          ? `Recibe este correo electrónico porque es administrador global de ${p.partnerName}.`
          : `Recibe este correo electrónico porque es administrador global de ${p.customerName}.`,
    });
  }
  const days = p.daysLeft === 1 ? '1 day' : `${p.daysLeft} days`;
  return renderEmail('en', {
    subject: p.autoExtend
      ? `Admin access of ${p.partnerName} to ${p.customerName} extends on ${date}`
      : `Admin access of ${p.partnerName} to ${p.customerName} ends on ${date}`,
    blocks: [
      `The admin relationship "${p.displayName}" of ${p.partnerName} with ${p.customerName} reaches the end of its term in ${days}, on ${date}.`,
      p.autoExtend
        ? `It will extend itself by ${AUTO_EXTEND_DAYS} days. ${p.audience === 'customer' ? 'If you do not want that, terminate it before then.' : `${p.customerName} can end it at any time.`}`
        : `Then the access ends. ${p.audience === 'partner' ? `To keep administering ${p.customerName}, send a new request in time: a global admin of ${p.customerName} must approve it.` : `If ${p.partnerName} asks for access again, you will get a new request to approve.`}`,
    ],
    footer:
      p.audience === 'partner'
        ? `You receive this email because you are a global admin of ${p.partnerName}.`
        : `You receive this email because you are a global admin of ${p.customerName}.`,
  });
}
