import type { EmailContent } from '../../platform/mail/layout.ts';
import type { Language, RenderedEmail } from '../../platform/mail/locale.ts';
import { renderCustomerRequest } from './customer-request.ts';

export interface CombinedRelationshipParams {
  resellerName: string;
  resellerDomain: string;
  providerName: string;
  providerDomain: string;
  /** Whether accepting also grants delegated administration privileges for the customer's tenant. */
  delegatedAdmin: boolean;
  link: string;
  expiresAt: Date;
}

const copy: Record<Language, (p: CombinedRelationshipParams) => EmailContent> = {
  en: (p) => ({
    subject: `${p.resellerName} and ${p.providerName} ask to become your Cloud Solution Providers`,
    blocks: [
      `${p.resellerName} (${p.resellerDomain}) invites your organization to a Cloud Solution Provider relationship with itself and with its indirect provider ${p.providerName} (${p.providerDomain}).`,
      `If you accept, both become your partners: ${p.resellerName} can order cloud services for your organization through ${p.providerName}.`,
      ...(p.delegatedAdmin
        ? [
            `${p.resellerName} and ${p.providerName} will also get delegated administration privileges for your organization's tenant.`,
          ]
        : []),
    ],
  }),
  es: (p) => ({
    subject: `${p.resellerName} y ${p.providerName} solicitan ser sus proveedores de soluciones en la nube`,
    blocks: [
      `${p.resellerName} (${p.resellerDomain}) invita a su organización a una relación de proveedor de soluciones en la nube con ${p.resellerName} y con ${p.providerName} (${p.providerDomain}), el proveedor indirecto con el que trabaja.`,
      `Si acepta, ambos serán sus proveedores: ${p.resellerName} podrá pedir servicios en la nube para su organización a través de ${p.providerName}.`,
      ...(p.delegatedAdmin
        ? [
            `${p.resellerName} y ${p.providerName} también obtendrán privilegios de administración delegada para el inquilino de su organización.`,
          ]
        : []),
    ],
  }),
};

/** A reseller invites an organization to a relationship with itself and its indirect provider. */
export const combinedRelationshipEmail = (
  locale: string | undefined,
  p: CombinedRelationshipParams,
): RenderedEmail => renderCustomerRequest(locale, copy, p);
