import { type Html, html } from '../pages/html.ts';
import type { Language, RenderedEmail } from './locale.ts';

/** One block of an email body; each renders as plain text and as HTML. */
export type Block =
  | string
  | { quote: string }
  | { details: [label: string, value: string][] }
  | { action: string; url: string; paste: string };

export interface EmailContent {
  subject: string;
  blocks: Block[];
}

/** Only web links go into emails: a `javascript:` or `data:` href is a bug, never a feature. */
function webUrl(url: string): string {
  if (!/^https?:\/\//i.test(url)) throw new Error('Email links must be http(s) URLs');
  return url;
}

function blockText(block: Block): string {
  if (typeof block === 'string') return block;
  if ('quote' in block) return block.quote.replace(/^/gm, '> ');
  if ('details' in block) return block.details.map(([label, value]) => `${label}: ${value}`).join('\n');
  return `${block.action}:\n${webUrl(block.url)}`;
}

const muted = 'color:#616161;font-size:13px';

function blockHtml(block: Block): Html {
  if (typeof block === 'string') return html`<p>${block}</p>`;
  if ('quote' in block) {
    return html`<blockquote style="margin:16px 0;padding:8px 16px;border-left:4px solid #c7c7c7;white-space:pre-line">${block.quote}</blockquote>`;
  }
  if ('details' in block) {
    const rows = block.details.map(
      ([label, value]) =>
        html`<tr><th align="left" style="padding:2px 16px 2px 0">${label}</th><td>${value}</td></tr>`,
    );
    return html`<table role="presentation" style="border-collapse:collapse;margin:16px 0">${rows}</table>`;
  }
  const url = webUrl(block.url);
  return html`<p style="margin:24px 0"><a href="${url}" style="display:inline-block;padding:10px 20px;border-radius:4px;background:#0f6cbd;color:#ffffff;font-weight:600;text-decoration:none">${block.action}</a></p>
<p style="${muted}">${block.paste}<br><span style="word-break:break-all">${url}</span></p>`;
}

/** Renders an email: optional greeting, blocks, and a footer, as plain text and as a self-contained HTML page. */
export function renderEmail(
  language: Language,
  content: EmailContent & { greeting?: string; footer: string },
): RenderedEmail {
  const blocks = content.greeting === undefined ? content.blocks : [content.greeting, ...content.blocks];
  // A line break in a subject would end up in a mail header.
  const subject = content.subject.replace(/\s+/g, ' ').trim();
  const text = `${blocks.map(blockText).join('\n\n')}\n\n-- \n${content.footer}\n`;
  const body = html`<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${subject}</title></head>
<body style="margin:0;padding:24px;background:#ffffff;color:#1b1b1b;font-family:'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5"><div style="max-width:560px;margin:0 auto">
${blocks.map(blockHtml)}
<hr style="border:0;border-top:1px solid #e0e0e0;margin:24px 0"><p style="${muted}">${content.footer}</p>
</div></body></html>`;
  return { subject, text, html: body.value };
}

const contactCopy = {
  en: {
    greeting: (name: string) => `Hello ${name},`,
    footer:
      'You receive this email because you are the primary contact of this indirect reseller enrollment.',
  },
  es: {
    greeting: (name: string) => `Hola, ${name}:`,
    footer:
      'Recibe este correo electrónico porque es el contacto principal de esta inscripción como revendedor indirecto.',
  },
} satisfies Record<Language, { greeting: (name: string) => string; footer: string }>;

/** An email to an enrollment's primary contact: greeting by first name and the standard footer. */
export function renderContactEmail(
  language: Language,
  firstName: string,
  content: EmailContent,
): RenderedEmail {
  const { greeting, footer } = contactCopy[language];
  return renderEmail(language, { ...content, greeting: greeting(firstName), footer });
}
