import { type Block, type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import { formatDate, type Language, type RenderedEmail } from '../../platform/mail/locale.ts';
import type { TermDuration } from '../ports.ts';
import { licenses, termInWords } from './terms.ts';

export interface TermNoticeParams {
  /** Who reads it: the customer's global admins, or the reseller of record. */
  audience: 'customer' | 'reseller';
  customerName: string;
  resellerName: string;
  offerName: string;
  friendlyName: string;
  subscriptionId: string;
  quantity: number;
  termEndDate: Date;
  /** What happens at the end: a new term of the same length and quantity, or the end (licenses released). */
  outcome: 'RENEWS' | 'EXPIRES';
  termDuration: TermDuration;
}

type Copy = (
  p: TermNoticeParams,
  words: { end: string; term: string; licenses: string },
  details: Block,
) => EmailContent & { footer: string };

const copy: Record<Language, Copy> = {
  en: (p, w, details) => {
    const customer = p.audience === 'customer';
    const subscription = customer
      ? `the subscription ${p.friendlyName} (${p.offerName})`
      : `the subscription ${p.friendlyName} (${p.offerName}) of ${p.customerName}`;
    const released = p.quantity === 1 ? 'Its license is released' : `Its ${p.quantity} licenses are released`;
    const blocks: Block[] =
      p.outcome === 'RENEWS'
        ? [
            `On ${w.end}, ${subscription} renews automatically: a new ${w.term} term starts, with the same quantity, ${w.licenses}.`,
            details,
            customer
              ? `To stop the renewal, ask your reseller ${p.resellerName} to turn off auto-renew before that date.`
              : 'To stop the renewal, turn off auto-renew before that date.',
          ]
        : [
            customer
              ? `On ${w.end}, ${subscription} ends: it does not renew. ${released} and users lose access.`
              : `On ${w.end}, ${subscription} ends: auto-renew is off. ${released} and the customer's users lose access.`,
            details,
            customer
              ? `To keep it, ask your reseller ${p.resellerName} to turn auto-renew on before that date.`
              : 'To keep it, turn auto-renew on before that date.',
          ];
    return {
      subject: `${p.friendlyName} ${p.outcome === 'RENEWS' ? 'renews' : 'ends'} on ${w.end}`,
      blocks,
      footer: customer
        ? `You receive this email because you are a global admin of ${p.customerName}.`
        : `You receive this email because ${p.resellerName} is the reseller of record of this subscription.`,
    };
  },
  es: (p, w, details) => {
    const customer = p.audience === 'customer';
    const subscription = customer
      ? `la suscripción ${p.friendlyName} (${p.offerName})`
      : `la suscripción ${p.friendlyName} (${p.offerName}) de ${p.customerName}`;
    const released =
      p.quantity === 1 ? 'Su licencia se liberará' : `Sus ${p.quantity} licencias se liberarán`;
    const blocks: Block[] =
      p.outcome === 'RENEWS'
        ? [
            `El ${w.end}, ${subscription} se renovará automáticamente: comenzará un nuevo plazo de ${w.term} con la misma cantidad, ${w.licenses}.`,
            details,
            customer
              ? `Para detener la renovación, pida a su revendedor ${p.resellerName} que desactive la renovación automática antes de esa fecha.`
              : 'Para detener la renovación, desactive la renovación automática antes de esa fecha.',
          ]
        : [
            customer
              ? `El ${w.end}, ${subscription} finalizará y no se renovará. ${released} y los usuarios perderán el acceso.`
              : `El ${w.end}, ${subscription} finalizará: la renovación automática está desactivada. ${released} y los usuarios del cliente perderán el acceso.`,
            details,
            customer
              ? `Para conservarla, pida a su revendedor ${p.resellerName} que active la renovación automática antes de esa fecha.`
              : 'Para conservarla, active la renovación automática antes de esa fecha.',
          ];
    return {
      subject: `${p.friendlyName} ${p.outcome === 'RENEWS' ? 'se renueva' : 'finaliza'} el ${w.end}`,
      blocks,
      footer: customer
        ? `Recibe este correo electrónico porque es administrador global de ${p.customerName}.`
        : `Recibe este correo electrónico porque ${p.resellerName} es el revendedor de registro de esta suscripción.`,
    };
  },
};

const labels: Record<Language, [string, string, string, string, string, string, string]> = {
  en: ['Customer', 'Subscription', 'Offer', 'Subscription ID', 'Quantity', 'Term', 'Term ends on'],
  es: ['Cliente', 'Suscripción', 'Oferta', 'ID de suscripción', 'Cantidad', 'Plazo', 'Fin del plazo'],
};

/**
 * Seven days before a term ends: tells the customer's global admins, or the reseller of record,
 * whether the subscription renews or ends on that date, and how to change that in time.
 */
export function termNoticeEmail(language: Language, p: TermNoticeParams): RenderedEmail {
  const words = {
    end: formatDate(p.termEndDate, language),
    term: termInWords(p.termDuration, language),
    licenses: licenses(p.quantity, language),
  };
  const [customer, subscription, offer, id, quantity, term, termEnds] = labels[language];
  const details: Block = {
    details: [
      [customer, p.customerName],
      [subscription, p.friendlyName],
      [offer, p.offerName],
      [id, p.subscriptionId],
      [quantity, words.licenses],
      [term, words.term],
      [termEnds, words.end],
    ],
  };
  return renderEmail(language, copy[language](p, words, details));
}
