import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';

export type RelationshipEnd = 'TERMINATED_BY_PARTNER' | 'TERMINATED_BY_CUSTOMER' | 'EXPIRED';

export interface RelationshipEndedParams {
  /** Who reads it: the partner's admins or the customer's global admins. */
  audience: 'partner' | 'customer';
  partnerName: string;
  customerName: string;
  /** The relationship's name, as the partner wrote it. */
  displayName: string;
  how: RelationshipEnd;
  endedAt: Date;
}

type Copy = (p: RelationshipEndedParams, ended: string) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p, ended) => {
    const who: Record<RelationshipEnd, string> = {
      TERMINATED_BY_PARTNER: `${p.partnerName} ended its admin access to ${p.customerName} ("${p.displayName}") on ${ended}.`,
      TERMINATED_BY_CUSTOMER: `${p.customerName} ended the admin access of ${p.partnerName} ("${p.displayName}") on ${ended}.`,
      EXPIRED: `The admin access of ${p.partnerName} to ${p.customerName} ("${p.displayName}") expired on ${ended}.`,
    };
    return {
      subject: `Admin access of ${p.partnerName} to ${p.customerName} ended`,
      blocks: [
        who[p.how],
        `The access ended at once: ${p.partnerName} can no longer administer users, licenses or service requests of ${p.customerName}.`,
        p.audience === 'partner'
          ? `To administer ${p.customerName} again, send a new request: it needs the approval of a global admin of ${p.customerName} again.`
          : `${p.partnerName} can only get admin access to ${p.customerName} again with a new request that a global admin of ${p.customerName} approves.`,
      ],
      footer:
        p.audience === 'partner'
          ? `You receive this email because you are an admin of ${p.partnerName}. Both sides of an admin relationship are told when it ends.`
          : `You receive this email because you are a global admin of ${p.customerName}. Both sides of an admin relationship are told when it ends.`,
    };
  },
  es: (p, ended) => {
    const who: Record<RelationshipEnd, string> = {
      TERMINATED_BY_PARTNER: `${p.partnerName} finalizó su acceso de administrador a ${p.customerName} ("${p.displayName}") el ${ended}.`,
      TERMINATED_BY_CUSTOMER: `${p.customerName} finalizó el acceso de administrador de ${p.partnerName} ("${p.displayName}") el ${ended}.`,
      EXPIRED: `El acceso de administrador de ${p.partnerName} a ${p.customerName} ("${p.displayName}") caducó el ${ended}.`,
    };
    return {
      subject: `Ha finalizado el acceso de administrador de ${p.partnerName} a ${p.customerName}`,
      blocks: [
        who[p.how],
        `El acceso finalizó de inmediato: ${p.partnerName} ya no puede administrar usuarios, licencias ni solicitudes de servicio de ${p.customerName}.`,
        p.audience === 'partner'
          ? `Para volver a administrar ${p.customerName}, envíe una nueva solicitud: necesita de nuevo la aprobación de un administrador global de ${p.customerName}.`
          : `${p.partnerName} solo puede volver a tener acceso de administrador a ${p.customerName} con una nueva solicitud que apruebe un administrador global de ${p.customerName}.`,
      ],
      footer:
        p.audience === 'partner'
          ? `Recibe este correo electrónico porque es administrador de ${p.partnerName}. Se avisa a ambas partes cuando finaliza una relación de administración.`
          : `Recibe este correo electrónico porque es administrador global de ${p.customerName}. Se avisa a ambas partes cuando finaliza una relación de administración.`,
    };
  },
};

/** A delegated admin relationship ended (terminated by either side, or expired): sent to both sides. */
export function relationshipEndedEmail(language: Language, p: RelationshipEndedParams): RenderedEmail {
  const { footer, ...content } = copy[language](p, formatDate(p.endedAt, language));
  return renderEmail(language, { ...content, footer });
}
