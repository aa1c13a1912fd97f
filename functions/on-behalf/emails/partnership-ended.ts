import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';

/** What ended: a partner's relationship with a customer, or an indirect provider's link with a reseller. */
export type EndedRelationship =
  | { kind: 'CUSTOMER'; partnerName: string; customerName: string }
  | { kind: 'PROVIDER_RESELLER'; providerName: string; resellerName: string };

/** One change the ending made to the reading organization's lists or access, by name. */
export type EndingEffect =
  /** A customer left the reader's customer list (`via`: the reseller it came through, for a provider). */
  | { kind: 'CUSTOMER_LEFT'; customer: string; via?: string }
  /** A partner left the customer's partner list (it can no longer order for it or administer it). */
  | { kind: 'PARTNER_LEFT'; partner: string }
  /** A customer the reader keeps is no longer shared with (or by) that partner. */
  | { kind: 'NO_LONGER_SHARED'; customer: string; with: string }
  /** One of the reader's admin relationships ended, its access with it. */
  | { kind: 'ADMIN_ENDED'; displayName: string; with: string };

export interface PartnershipEndedParams {
  ended: EndedRelationship;
  /** The organization whose global admin ended it. */
  endedBy: string;
  endedAt: Date;
  /** The organization whose global admins read it. */
  reader: string;
  /** What changed for the reader (each side, and the partners and customers the ending reached). */
  effects: EndingEffect[];
}

interface Copy {
  subject(e: EndedRelationship): string;
  intro(e: EndedRelationship, by: string, at: string): string;
  meaning(e: EndedRelationship): string;
  effectsTitle: string;
  effect(e: EndingEffect): string;
  again(e: EndedRelationship): string;
  footer(reader: string): string;
}

const copy: Record<Language, Copy> = {
  en: {
    subject: (e) =>
      e.kind === 'CUSTOMER'
        ? `The relationship between ${e.partnerName} and ${e.customerName} ended`
        : `The indirect provider relationship between ${e.providerName} and ${e.resellerName} ended`,
    intro: (e, by, at) =>
      e.kind === 'CUSTOMER'
        ? `${by} ended the relationship between ${e.partnerName} and its customer ${e.customerName} on ${at}.`
        : `${by} ended the indirect provider relationship between ${e.providerName} and its reseller ${e.resellerName} on ${at}.`,
    meaning: (e) =>
      e.kind === 'CUSTOMER'
        ? `${e.customerName} is no longer on the customer lists of ${e.partnerName}, which can no longer order for it or administer it. No subscription between them was still active or suspended.`
        : `${e.providerName} is no longer on the indirect providers list of ${e.resellerName}, nor ${e.resellerName} on the indirect resellers list of ${e.providerName}. ${e.providerName} can no longer order for the customers of ${e.resellerName}, which remain customers of ${e.resellerName}. No subscription it bought for them was still active or suspended.`,
    effectsTitle: 'What changed for your organization:',
    effect: (e) => {
      switch (e.kind) {
        case 'CUSTOMER_LEFT':
          return e.via
            ? `${e.customer} (through ${e.via}) is no longer on your customer list.`
            : `${e.customer} is no longer on your customer list.`;
        case 'PARTNER_LEFT':
          return `${e.partner} is no longer one of your partners: it can no longer order for you or administer your organization.`;
        case 'NO_LONGER_SHARED':
          return `${e.customer} stays on your customer list, but is no longer shared with ${e.with}.`;
        case 'ADMIN_ENDED':
          return `The admin relationship "${e.displayName}" with ${e.with} ended; its access ended at once.`;
      }
    },
    again: (e) =>
      e.kind === 'CUSTOMER'
        ? `To work together again, ${e.partnerName} and ${e.customerName} need a new relationship request (or invitation), accepted by a global admin of ${e.customerName}.`
        : `To work together again, ${e.providerName} can invite ${e.resellerName} again; it needs the acceptance of a global admin of ${e.resellerName}.`,
    footer: (reader) =>
      `You receive this email because you are a global admin of ${reader}. Every organization whose lists or access change is told when a relationship ends.`,
  },
  es: {
    subject: (e) =>
      e.kind === 'CUSTOMER'
        ? `Ha finalizado la relación entre ${e.partnerName} y ${e.customerName}`
        : `Ha finalizado la relación de proveedor indirecto entre ${e.providerName} y ${e.resellerName}`,
    intro: (e, by, at) =>
      e.kind === 'CUSTOMER'
        ? `${by} finalizó la relación entre ${e.partnerName} y su cliente ${e.customerName} el ${at}.`
        : `${by} finalizó la relación de proveedor indirecto entre ${e.providerName} y su revendedor ${e.resellerName} el ${at}.`,
    meaning: (e) =>
      e.kind === 'CUSTOMER'
        ? `${e.customerName} ya no figura en las listas de clientes de ${e.partnerName}, que ya no puede hacer pedidos para ese cliente ni administrarlo. Ninguna suscripción entre ambos seguía activa o suspendida.`
        : `${e.providerName} ya no figura en la lista de proveedores indirectos de ${e.resellerName}, ni ${e.resellerName} en la lista de revendedores indirectos de ${e.providerName}. ${e.providerName} ya no puede hacer pedidos para los clientes de ${e.resellerName}, que siguen siendo clientes de ${e.resellerName}. Ninguna suscripción que compró para ellos seguía activa o suspendida.`,
    effectsTitle: 'Qué cambió para su organización:',
    effect: (e) => {
      switch (e.kind) {
        case 'CUSTOMER_LEFT':
          return e.via
            ? `${e.customer} (a través de ${e.via}) ya no figura en su lista de clientes.`
            : `${e.customer} ya no figura en su lista de clientes.`;
        case 'PARTNER_LEFT':
          return `${e.partner} ya no es uno de sus asociados: ya no puede hacer pedidos para usted ni administrar su organización.`;
        case 'NO_LONGER_SHARED':
          return `${e.customer} sigue en su lista de clientes, pero ya no se comparte con ${e.with}.`;
        case 'ADMIN_ENDED':
          return `La relación de administración "${e.displayName}" con ${e.with} finalizó; su acceso finalizó de inmediato.`;
      }
    },
    again: (e) =>
      e.kind === 'CUSTOMER'
        ? `Para volver a trabajar juntos, ${e.partnerName} y ${e.customerName} necesitan una nueva solicitud de relación (o invitación) que acepte un administrador global de ${e.customerName}.`
        : `Para volver a trabajar juntos, ${e.providerName} puede invitar de nuevo a ${e.resellerName}; necesita la aceptación de un administrador global de ${e.resellerName}.`,
    footer: (reader) =>
      `Recibe este correo electrónico porque es administrador global de ${reader}. Se avisa a cada organización cuyas listas o accesos cambian cuando finaliza una relación.`,
  },
};

/**
 * A partner's relationship with a customer, or a provider's link with a reseller, ended: sent to
 * the global admins of both sides and of every organization the ending reached, each with what
 * changed for it.
 */
export function partnershipEndedEmail(language: Language, p: PartnershipEndedParams): RenderedEmail {
  const c = copy[language];
  const content: EmailContent = {
    subject: c.subject(p.ended),
    blocks: [
      c.intro(p.ended, p.endedBy, formatDate(p.endedAt, language)),
      c.meaning(p.ended),
      ...(p.effects.length > 0 ? [c.effectsTitle, ...p.effects.map((e) => `- ${c.effect(e)}`)] : []),
      c.again(p.ended),
    ],
  };
  return renderEmail(language, { ...content, footer: c.footer(p.reader) });
}
