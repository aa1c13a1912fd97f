import { describe, expect, it } from 'vitest';
import {
  type EndingEffect,
  type PartnershipEndedParams,
  partnershipEndedEmail,
} from '../../functions/on-behalf/emails/partnership-ended.ts';
import type { Language } from '../../functions/platform/mail/locale.ts';

const languages = ['en', 'es'] as const;
const endedAt = new Date('2027-03-05T08:00:00Z');
const date: Record<Language, string> = { en: '5 March 2027', es: '5 de marzo de 2027' };
const evil = '<b>Evil & Co</b>';
const evilEscaped = '&lt;b&gt;Evil &amp; Co&lt;/b&gt;';

const customerEnded: PartnershipEndedParams = {
  ended: { kind: 'CUSTOMER', partnerName: 'Contoso Reseller', customerName: 'Woodgrove Bank' },
  endedBy: 'Woodgrove Bank',
  endedAt,
  reader: 'Contoso Reseller',
  effects: [],
};
const linkEnded: PartnershipEndedParams = {
  ended: {
    kind: 'PROVIDER_RESELLER',
    providerName: 'Fabrikam Distribution',
    resellerName: 'Contoso Reseller',
  },
  endedBy: 'Contoso Reseller',
  endedAt,
  reader: 'Fabrikam Distribution',
  effects: [],
};
const effects: EndingEffect[] = [
  { kind: 'CUSTOMER_LEFT', customer: 'Woodgrove Bank', via: 'Contoso Reseller' },
  { kind: 'PARTNER_LEFT', partner: 'Fabrikam Distribution' },
  { kind: 'NO_LONGER_SHARED', customer: 'Tailspin Toys', with: 'Fabrikam Distribution' },
  { kind: 'ADMIN_ENDED', displayName: 'Default', with: 'Woodgrove Bank' },
];

const expected: Record<
  Language,
  { subjects: [string, string]; intros: [RegExp, RegExp]; effects: string[]; footer: string; again: RegExp }
> = {
  en: {
    subjects: [
      'The relationship between Contoso Reseller and Woodgrove Bank ended',
      'The indirect provider relationship between Fabrikam Distribution and Contoso Reseller ended',
    ],
    intros: [
      /^Woodgrove Bank ended the relationship between Contoso Reseller and its customer Woodgrove Bank on 5 March 2027\./,
      /^Contoso Reseller ended the indirect provider relationship between Fabrikam Distribution and its reseller Contoso Reseller on 5 March 2027\./,
    ],
    effects: [
      'Woodgrove Bank (through Contoso Reseller) is no longer on your customer list.',
      'Fabrikam Distribution is no longer one of your partners',
      'Tailspin Toys stays on your customer list, but is no longer shared with Fabrikam Distribution.',
      'The admin relationship "Default" with Woodgrove Bank ended; its access ended at once.',
    ],
    footer: 'you are a global admin of',
    again: /To work together again/,
  },
  es: {
    subjects: [
      'Ha finalizado la relación entre Contoso Reseller y Woodgrove Bank',
      'Ha finalizado la relación de proveedor indirecto entre Fabrikam Distribution y Contoso Reseller',
    ],
    intros: [
      /^Woodgrove Bank finalizó la relación entre Contoso Reseller y su cliente Woodgrove Bank el 5 de marzo de 2027\./,
      /^Contoso Reseller finalizó la relación de proveedor indirecto entre Fabrikam Distribution y su revendedor Contoso Reseller el 5 de marzo de 2027\./,
    ],
    effects: [
      'Woodgrove Bank (a través de Contoso Reseller) ya no figura en su lista de clientes.',
      'Fabrikam Distribution ya no es uno de sus asociados',
      'Tailspin Toys sigue en su lista de clientes, pero ya no se comparte con Fabrikam Distribution.',
      'La relación de administración "Default" con Woodgrove Bank finalizó; su acceso finalizó de inmediato.',
    ],
    footer: 'es administrador global de',
    again: /Para volver a trabajar juntos/,
  },
};

/** Words only each language uses, in the template's own text (names removed). */
const marks: Record<Language, RegExp> = {
  en: /\b(the|your|no longer|relationship|ended|email)\b/i,
  es: /(\bsu\b|\bla\b|\bel\b|relación|finaliz|correo electrónico|ya no)/i,
};
const templateWords = (text: string) =>
  ['Contoso Reseller', 'Woodgrove Bank', 'Fabrikam Distribution', 'Tailspin Toys', 'Default'].reduce(
    (t, v) => t.replaceAll(v, ''),
    text,
  );

describe.each(languages)('relationship ending email in %s', (language) => {
  const e = expected[language];

  it.each([
    [0, customerEnded],
    [1, linkEnded],
  ] as const)('names what ended (%i), who ended it and when, and how to work together again', (i, params) => {
    const email = partnershipEndedEmail(language, params);
    expect(email.subject).toBe(e.subjects[i]);
    expect(email.text).toMatch(e.intros[i]);
    expect(email.text).toContain(date[language]);
    expect(email.text).toMatch(e.again);
    expect(email.text).toContain(`${e.footer} ${params.reader}.`);
    expect(email.html).toContain(`<html lang="${language}">`);
    expect(email.html).not.toMatch(/<script|<img|https?:/i);
    // Without effects, no "what changed for you" section.
    expect(email.text).not.toContain(e.effects[0]);
  });

  it('lists what changed for the reader, each effect in its words', () => {
    const email = partnershipEndedEmail(language, { ...customerEnded, effects });
    for (const line of e.effects) expect(email.text).toContain(line);
    const noVia = partnershipEndedEmail(language, {
      ...customerEnded,
      effects: [{ kind: 'CUSTOMER_LEFT', customer: 'Woodgrove Bank' }],
    });
    expect(noVia.text).not.toContain('Contoso Reseller)');
  });

  it('is really in that language', () => {
    const other = language === 'en' ? 'es' : 'en';
    for (const params of [customerEnded, linkEnded]) {
      const email = partnershipEndedEmail(language, { ...params, effects });
      for (const part of [email.subject, templateWords(email.text)]) {
        expect(part).toMatch(marks[language]);
        expect(part).not.toMatch(marks[other]);
      }
    }
  });

  it('escapes names in HTML, not in text or subject', () => {
    const email = partnershipEndedEmail(language, {
      ...customerEnded,
      ended: { kind: 'CUSTOMER', partnerName: evil, customerName: 'Woodgrove Bank' },
      effects: [{ kind: 'PARTNER_LEFT', partner: evil }],
    });
    expect(email.subject).toContain(evil);
    expect(email.text).toContain(evil);
    expect(email.html).not.toMatch(/<b>/);
    expect(email.html).toContain(evilEscaped);
  });
});
