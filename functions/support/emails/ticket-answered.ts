import { type EmailContent, renderEmail } from '../../platform/mail/layout.ts';
import type { Language, RenderedEmail } from '../../platform/mail/locale.ts';

export interface TicketAnsweredParams {
  /** The contact's first name; none when the organization's global admins are written to instead. */
  name?: string;
  title: string;
  kind: 'SERVICE_REQUEST' | 'SUPPORT_TICKET';
  /** The operator's note, as written (escaped in the HTML by the layout). */
  note: string;
  /** The ticket's status after the note. */
  status: 'OPEN' | 'ATTENTION_NEEDED' | 'CLOSED';
  /** Where the API shows the ticket, e.g. "GET /support-tickets/<id>": no link, nothing to click. */
  path: string;
}

type Copy = (p: TicketAnsweredParams) => EmailContent & { greeting: string; footer: string };

const copy: Record<Language, Copy> = {
  en: (p) => {
    const what = p.kind === 'SERVICE_REQUEST' ? 'service request' : 'support ticket';
    const status = {
      OPEN: 'Open: support is working on it.',
      ATTENTION_NEEDED: 'Attention needed: support is waiting for your answer.',
      CLOSED: 'Closed: for anything more, open a new ticket.',
    }[p.status];
    return {
      subject: `Support answered your ${what}: ${p.title}`,
      greeting: p.name ? `Hello ${p.name},` : 'Hello,',
      blocks: [
        `Support added a note to your ${what} "${p.title}":`,
        { quote: p.note },
        { details: [['Status', status]] },
        p.status === 'CLOSED'
          ? `You can read the whole ${what} with ${p.path}.`
          : `Read the whole ${what} with ${p.path}, and answer with a note (POST ${p.path.replace(/^GET /, '')}/notes).`,
      ],
      footer: `You receive this email because you opened this ${what}, or are a global admin of its organization.`,
    };
  },
  es: (p) => {
    const what = p.kind === 'SERVICE_REQUEST' ? 'solicitud de servicio' : 'incidencia de soporte';
    const status = {
      OPEN: 'Abierta: el soporte está trabajando en ella.',
      ATTENTION_NEEDED: 'Requiere atención: el soporte espera su respuesta.',
      CLOSED: 'Cerrada: para cualquier otra cosa, abra una nueva.',
    }[p.status];
    return {
      subject: `El soporte respondió a su ${what}: ${p.title}`,
      greeting: p.name ? `Hola, ${p.name}:` : 'Hola:',
      blocks: [
        `El soporte añadió una nota a su ${what} "${p.title}":`,
        { quote: p.note },
        { details: [['Estado', status]] },
        p.status === 'CLOSED'
          ? `Puede leer la ${what} completa con ${p.path}.`
          : `Lea la ${what} completa con ${p.path} y responda con una nota (POST ${p.path.replace(/^GET /, '')}/notes).`,
      ],
      footer: `Recibe este correo electrónico porque abrió esta ${what} o es administrador global de su organización.`,
    };
  },
};

/** An operator's note on a ticket, to the partner's contact: the note, the status, where to read it; no link. */
export function ticketAnsweredEmail(language: Language, p: TicketAnsweredParams): RenderedEmail {
  return renderEmail(language, copy[language](p));
}
