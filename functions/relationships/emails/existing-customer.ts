import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import type { Language, RenderedEmail } from '../../platform/mail/locale.ts';

export interface ExistingCustomerParams {
  resellerName: string;
  resellerId: string;
  customerName: string;
}

type Copy = (p: ExistingCustomerParams) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p) => ({
    subject: `${p.resellerName} is now your partner on the platform`,
    blocks: [
      `${p.resellerName} was approved as an indirect reseller, and its partner network profile lists ${p.customerName} among the customers it already serves. It now appears among your partners, and ${p.customerName} among its customers.`,
      `This gives ${p.resellerName} no admin access to ${p.customerName}: that always needs a global admin of ${p.customerName} to approve an admin relationship.`,
      `If ${p.customerName} does not work with ${p.resellerName}, end the relationship with DELETE /partners/${p.resellerId}.`,
    ],
    footer: `You receive this email because you are a global admin of ${p.customerName}.`,
  }),
  es: (p) => ({
    subject: `${p.resellerName} es ahora su partner en la plataforma`,
    blocks: [
      `${p.resellerName} ha sido aprobado como revendedor indirecto, y su perfil de la red de partners incluye a ${p.customerName} entre los clientes a los que ya atiende. Ahora aparece entre sus partners, y ${p.customerName} entre sus clientes.`,
      `Esto no da a ${p.resellerName} ningún acceso de administrador a ${p.customerName}: para ello, un administrador global de ${p.customerName} siempre tiene que aprobar una relación de administración.`,
      `Si ${p.customerName} no trabaja con ${p.resellerName}, finalice la relación con DELETE /partners/${p.resellerId}.`,
    ],
    footer: `Recibe este correo electrónico porque es administrador global de ${p.customerName}.`,
  }),
};

/** To a customer's global admins: a reseller's approval carried their organization over as its customer. */
export function existingCustomerEmail(language: Language, p: ExistingCustomerParams): RenderedEmail {
  const { footer, ...content } = copy[language](p);
  return renderEmail(language, { ...content, footer });
}
