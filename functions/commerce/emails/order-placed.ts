import { type Block, type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';
import { CANCELLATION_DAYS } from '../domain/terms.ts';
import type { BillingCycle, TermDuration } from '../ports.ts';
import { billingInWords, licenses, termInWords } from './terms.ts';

export interface OrderPlacedLine {
  offerName: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  termEndDate: Date;
  autoRenew: boolean;
}

export interface OrderPlacedParams {
  /** Who reads it: the customer's global admins, or the reseller of record. */
  audience: 'customer' | 'reseller';
  customerName: string;
  /** The indirect provider that bought. */
  providerName: string;
  /** The reseller of record. */
  resellerName: string;
  resellerMpnId: string;
  orderId: string;
  createdAt: Date;
  lines: OrderPlacedLine[];
}

type Copy = (p: OrderPlacedParams, created: string, lines: Block[]) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p, created, lines) => {
    const these = p.lines.length === 1 ? 'this subscription' : 'these subscriptions';
    return p.audience === 'customer'
      ? {
          subject: `New subscriptions for ${p.customerName}: order ${p.orderId}`,
          blocks: [
            `${p.providerName} placed order ${p.orderId} on behalf of ${p.customerName} on ${created}, through your reseller ${p.resellerName}. The order includes ${these}:`,
            ...lines,
            `${p.resellerName} (MPN ID ${p.resellerMpnId}) is the reseller of record of ${these}.`,
            `To change or cancel a subscription, contact your reseller ${p.resellerName} or ${p.providerName}. A subscription can be canceled, or its quantity reduced, only within ${CANCELLATION_DAYS} days of its start.`,
          ],
          footer: `You receive this email because you are a global admin of ${p.customerName}.`,
        }
      : {
          subject: `Order ${p.orderId} for ${p.customerName}: you are the reseller of record`,
          blocks: [
            `${p.providerName}, your indirect provider, placed order ${p.orderId} on behalf of ${p.customerName} on ${created}, with ${p.resellerName} as the reseller of record. The order includes ${these}:`,
            ...lines,
            `Your MPN ID ${p.resellerMpnId} is recorded on the order and each subscription, so your incentives are kept.`,
            `${p.providerName} can cancel a subscription, or reduce its quantity, only within ${CANCELLATION_DAYS} days of its start; after that, the subscription runs to the end of its term.`,
          ],
          footer: `You receive this email because ${p.resellerName} is the reseller of record of this order.`,
        };
  },
  es: (p, created, lines) => {
    const these = p.lines.length === 1 ? 'esta suscripción' : 'estas suscripciones';
    return p.audience === 'customer'
      ? {
          subject: `Nuevas suscripciones para ${p.customerName}: pedido ${p.orderId}`,
          blocks: [
            `${p.providerName} ha realizado el pedido ${p.orderId} en nombre de ${p.customerName} el ${created}, a través de su revendedor ${p.resellerName}. El pedido incluye ${these}:`,
            ...lines,
            `${p.resellerName} (ID de MPN ${p.resellerMpnId}) es el revendedor de registro de ${these}.`,
            `Para modificar o cancelar una suscripción, póngase en contacto con su revendedor ${p.resellerName} o con ${p.providerName}. Solo se puede cancelar una suscripción o reducir su cantidad en los ${CANCELLATION_DAYS} días siguientes a su inicio.`,
          ],
          footer: `Recibe este correo electrónico porque es administrador global de ${p.customerName}.`,
        }
      : {
          subject: `Pedido ${p.orderId} para ${p.customerName}: usted es el revendedor de registro`,
          blocks: [
            `${p.providerName}, su proveedor indirecto, ha realizado el pedido ${p.orderId} en nombre de ${p.customerName} el ${created}, con ${p.resellerName} como revendedor de registro. El pedido incluye ${these}:`,
            ...lines,
            `Su ID de MPN ${p.resellerMpnId} queda registrado en el pedido y en cada suscripción, para que conserve sus incentivos.`,
            `${p.providerName} solo puede cancelar una suscripción o reducir su cantidad en los ${CANCELLATION_DAYS} días siguientes a su inicio; después, la suscripción continúa hasta el final de su plazo.`,
          ],
          footer: `Recibe este correo electrónico porque ${p.resellerName} es el revendedor de registro de este pedido.`,
        };
  },
};

const labels = {
  en: {
    offer: 'Offer',
    quantity: 'Quantity',
    term: 'Term',
    billing: 'Billing',
    termEnds: 'Term ends on',
    renewal: 'Renewal',
    renews: (yes: boolean) => (yes ? 'Renews automatically' : 'Does not renew'),
  },
  es: {
    offer: 'Oferta',
    quantity: 'Cantidad',
    term: 'Plazo',
    billing: 'Facturación',
    termEnds: 'Fin del plazo',
    renewal: 'Renovación',
    renews: (yes: boolean) => (yes ? 'Automática' : 'No se renueva'),
  },
} satisfies Record<Language, Record<string, unknown>>;

/** One table per line: what was bought, how many, for how long, and what happens at the end. */
function lineDetails(language: Language, line: OrderPlacedLine): Block {
  const l = labels[language];
  return {
    details: [
      [l.offer, line.offerName],
      [l.quantity, licenses(line.quantity, language)],
      [l.term, termInWords(line.termDuration, language)],
      [l.billing, billingInWords(line.billingCycle, language)],
      [l.termEnds, formatDate(line.termEndDate, language)],
      [l.renewal, l.renews(line.autoRenew)],
    ],
  };
}

/**
 * An indirect provider placed an order for a customer through a reseller: tells the customer's
 * global admins, or the reseller of record, what was bought, and how long it can still be canceled.
 */
export function orderPlacedEmail(language: Language, p: OrderPlacedParams): RenderedEmail {
  const lines = p.lines.map((line) => lineDetails(language, line));
  return renderEmail(language, copy[language](p, formatDate(p.createdAt, language), lines));
}
