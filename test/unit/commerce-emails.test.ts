import { describe, expect, it } from 'vitest';
import {
  type OrderPlacedLine,
  type OrderPlacedParams,
  orderPlacedEmail,
} from '../../functions/commerce/emails/order-placed.ts';
import { type TermNoticeParams, termNoticeEmail } from '../../functions/commerce/emails/term-notice.ts';
import { billingInWords, licenses, termInWords } from '../../functions/commerce/emails/terms.ts';
import {
  formatDate,
  type Language,
  languageOfCountry,
  type RenderedEmail,
} from '../../functions/platform/mail/locale.ts';
import { escapeHtml } from '../../functions/platform/pages/html.ts';

type Audience = 'customer' | 'reseller';

const createdAt = new Date('2026-11-24T23:30:00Z');
const yearEnd = new Date('2027-11-24T23:30:00Z');
const monthEnd = new Date('2026-12-24T23:30:00Z');
const dates: Record<Language, { created: string; yearEnd: string; monthEnd: string }> = {
  en: { created: '24 November 2026', yearEnd: '24 November 2027', monthEnd: '24 December 2026' },
  es: {
    created: '24 de noviembre de 2026',
    yearEnd: '24 de noviembre de 2027',
    monthEnd: '24 de diciembre de 2026',
  },
};

const annualLine: OrderPlacedLine = {
  offerName: 'Microsoft 365 Business Standard',
  quantity: 25,
  termDuration: 'P1Y',
  billingCycle: 'ANNUAL',
  termEndDate: yearEnd,
  autoRenew: true,
};
const monthlyLine: OrderPlacedLine = {
  offerName: 'Exchange Online (Plan 1)',
  quantity: 1,
  termDuration: 'P1M',
  billingCycle: 'MONTHLY',
  termEndDate: monthEnd,
  autoRenew: false,
};

const order = (audience: Audience, extra: Partial<OrderPlacedParams> = {}): OrderPlacedParams => ({
  audience,
  customerName: 'Contoso Ltd',
  providerName: 'Fabrikam Distribution',
  resellerName: 'Northwind Reseller',
  resellerMpnId: '6543210',
  orderId: 'ord-7f3a',
  createdAt,
  lines: [annualLine, monthlyLine],
  ...extra,
});

const notice = (
  audience: Audience,
  outcome: TermNoticeParams['outcome'],
  extra: Partial<TermNoticeParams> = {},
): TermNoticeParams => ({
  audience,
  customerName: 'Contoso Ltd',
  resellerName: 'Northwind Reseller',
  offerName: 'Microsoft 365 Business Standard',
  friendlyName: 'Sales team',
  subscriptionId: 'sub-1234',
  quantity: 25,
  termEndDate: yearEnd,
  outcome,
  termDuration: 'P1Y',
  ...extra,
});

/** The values the fixtures interpolate: removed before checking a text is in one language only. */
const values = [
  'Contoso Ltd',
  'Fabrikam Distribution',
  'Northwind Reseller',
  '6543210',
  'ord-7f3a',
  'Microsoft 365 Business Standard',
  'Exchange Online (Plan 1)',
  'Sales team',
  'sub-1234',
];

/** Every commerce message, by audience, rendered for a language with a customer name. */
const messages: Record<
  string,
  (language: Language, audience: Audience, customerName?: string) => RenderedEmail
> = {
  'order placed': (l, a, customerName = 'Contoso Ltd') => orderPlacedEmail(l, order(a, { customerName })),
  'term notice (renews)': (l, a, customerName = 'Contoso Ltd') =>
    termNoticeEmail(l, notice(a, 'RENEWS', { customerName })),
  'term notice (expires)': (l, a, customerName = 'Contoso Ltd') =>
    termNoticeEmail(l, notice(a, 'EXPIRES', { customerName })),
};

/** Words only each language uses; every subject and text has some of its own and none of the other's. */
const marks: Record<Language, RegExp> = {
  en: /\b(the|your|you|order|subscriptions?|licenses?|renews?|ends|term)\b/i,
  es: /(\bla\b|\bel\b|\bsu\b|\bde\b|suscripci|pedido|licencias?|revendedor|renovaci|finaliza|plazo)/i,
};

const cases = (['en', 'es'] as const).flatMap((language) =>
  (['customer', 'reseller'] as const).map((audience) => [language, audience] as const),
);

describe('languageOfCountry', () => {
  it.each([
    'ES',
    'MX',
    'AR',
    'CO',
    'CL',
    'PE',
    'VE',
    'EC',
    'GT',
    'CU',
    'BO',
    'DO',
    'HN',
    'PY',
    'SV',
    'NI',
    'CR',
    'PA',
    'UY',
    'PR',
    'GQ',
    'mx',
    ' es ',
  ])('%j → es', (country) => {
    expect(languageOfCountry(country)).toBe('es');
  });

  it.each(['US', 'GB', 'BR', 'PT', 'FR', 'esp', 'MEX', ''])('%j → en', (country) => {
    expect(languageOfCountry(country)).toBe('en');
  });
});

describe('term words', () => {
  it('names terms, billing cycles and quantities in each language', () => {
    const durations = ['P1M', 'P1Y', 'P3Y'] as const;
    expect(durations.map((d) => termInWords(d, 'en'))).toEqual(['1 month', '1 year', '3 years']);
    expect(durations.map((d) => termInWords(d, 'es'))).toEqual(['1 mes', '1 año', '3 años']);
    expect([billingInWords('MONTHLY', 'en'), billingInWords('ANNUAL', 'en')]).toEqual(['Monthly', 'Annual']);
    expect([billingInWords('MONTHLY', 'es'), billingInWords('ANNUAL', 'es')]).toEqual(['Mensual', 'Anual']);
    expect([licenses(1, 'en'), licenses(25, 'en')]).toEqual(['1 license', '25 licenses']);
    expect([licenses(1, 'es'), licenses(25, 'es')]).toEqual(['1 licencia', '25 licencias']);
  });
});

describe.each(Object.entries(messages))('%s email', (_, render) => {
  it.each(cases)('in %s for the %s is well formed and names the customer', (language, audience) => {
    const email = render(language, audience);
    expect(email.subject).not.toMatch(/\n/);
    expect(email.subject.length).toBeLessThan(80);
    expect(email.text).toContain('Contoso Ltd');
    expect(email.html).toContain('Contoso Ltd');
    expect(email.html).toContain(`<html lang="${language}">`);
    expect(email.html).toContain(`<title>${escapeHtml(email.subject)}</title>`);
    expect(email.html).not.toMatch(/<img|<script|<a |https?:\/\//i);
    expect(email.text).not.toMatch(/<[a-z]/i);
    expect(email.text).not.toMatch(/undefined|NaN|\[object/);
    expect(email.text).toMatch(
      language === 'en'
        ? /\n-- \nYou receive this email because [^\n]+\.\n$/
        : /\n-- \nRecibe este correo electrónico porque [^\n]+\.\n$/,
    );
  });

  it.each(cases)('in %s for the %s is really in that language', (language, audience) => {
    const email = render(language, audience);
    const text = values.reduce((t, value) => t.replaceAll(value, ''), email.text);
    const subject = values.reduce((t, value) => t.replaceAll(value, ''), email.subject);
    const other = language === 'en' ? 'es' : 'en';
    for (const part of [subject, text]) {
      expect(part).toMatch(marks[language]);
      expect(part).not.toMatch(marks[other]);
    }
  });

  it.each(cases)('in %s for the %s escapes the customer name in HTML, not in text', (language, audience) => {
    const tricky = '<b>Acme & Co</b>';
    const email = render(language, audience, tricky);
    expect(email.text).toContain(tricky);
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('&lt;b&gt;Acme &amp; Co&lt;/b&gt;');
  });

  it('is different for the customer and for the reseller', () => {
    for (const language of ['en', 'es'] as const) {
      expect(render(language, 'customer').text).not.toBe(render(language, 'reseller').text);
    }
  });
});

describe('order placed', () => {
  const render = (language: Language, audience: Audience, extra: Partial<OrderPlacedParams> = {}) =>
    orderPlacedEmail(language, order(audience, extra));

  it('gives the exact subjects', () => {
    expect(render('en', 'customer').subject).toBe('New subscriptions for Contoso Ltd: order ord-7f3a');
    expect(render('en', 'reseller').subject).toBe(
      'Order ord-7f3a for Contoso Ltd: you are the reseller of record',
    );
    expect(render('es', 'customer').subject).toBe('Nuevas suscripciones para Contoso Ltd: pedido ord-7f3a');
    expect(render('es', 'reseller').subject).toBe(
      'Pedido ord-7f3a para Contoso Ltd: usted es el revendedor de registro',
    );
  });

  it.each(cases)('in %s for the %s says who bought for whom, and when', (language, audience) => {
    const { text, html } = render(language, audience);
    expect(formatDate(createdAt, language)).toBe(dates[language].created);
    const who = {
      en: {
        customer:
          'Fabrikam Distribution placed order ord-7f3a on behalf of Contoso Ltd on 24 November 2026, through your reseller Northwind Reseller.',
        reseller:
          'Fabrikam Distribution, your indirect provider, placed order ord-7f3a on behalf of Contoso Ltd on 24 November 2026, with Northwind Reseller as the reseller of record.',
      },
      es: {
        customer:
          'Fabrikam Distribution ha realizado el pedido ord-7f3a en nombre de Contoso Ltd el 24 de noviembre de 2026, a través de su revendedor Northwind Reseller.',
        reseller:
          'Fabrikam Distribution, su proveedor indirecto, ha realizado el pedido ord-7f3a en nombre de Contoso Ltd el 24 de noviembre de 2026, con Northwind Reseller como revendedor de registro.',
      },
    }[language][audience];
    expect(text).toContain(who);
    expect(html).toContain(escapeHtml(who));
  });

  it.each(cases)('in %s for the %s has one table per line, in order', (language, audience) => {
    const { text, html } = render(language, audience);
    const tables = {
      en: [
        'Offer: Microsoft 365 Business Standard\nQuantity: 25 licenses\nTerm: 1 year\nBilling: Annual\nTerm ends on: 24 November 2027\nRenewal: Renews automatically',
        'Offer: Exchange Online (Plan 1)\nQuantity: 1 license\nTerm: 1 month\nBilling: Monthly\nTerm ends on: 24 December 2026\nRenewal: Does not renew',
      ],
      es: [
        'Oferta: Microsoft 365 Business Standard\nCantidad: 25 licencias\nPlazo: 1 año\nFacturación: Anual\nFin del plazo: 24 de noviembre de 2027\nRenovación: Automática',
        'Oferta: Exchange Online (Plan 1)\nCantidad: 1 licencia\nPlazo: 1 mes\nFacturación: Mensual\nFin del plazo: 24 de diciembre de 2026\nRenovación: No se renueva',
      ],
    }[language];
    expect(text).toContain(`\n\n${tables[0]}\n\n${tables[1]}\n\n`);
    expect(html.match(/<table /g)).toHaveLength(2);
    for (const value of [licenses(25, language), dates[language].yearEnd, dates[language].monthEnd]) {
      expect(html).toContain(`<td>${value}</td>`);
    }
  });

  it('names a three-year term and a single subscription', () => {
    const line: OrderPlacedLine = { ...annualLine, termDuration: 'P3Y' };
    const en = render('en', 'customer', { lines: [line] });
    expect(en.text).toContain('Term: 3 years');
    expect(en.text).toContain('The order includes this subscription:');
    expect(en.html.match(/<table /g)).toHaveLength(1);
    const es = render('es', 'reseller', { lines: [line] });
    expect(es.text).toContain('Plazo: 3 años');
    expect(es.text).toContain('El pedido incluye esta suscripción:');
    expect(render('en', 'reseller').text).toContain('The order includes these subscriptions:');
    expect(render('es', 'customer').text).toContain('El pedido incluye estas suscripciones:');
  });

  it('tells the customer who the reseller of record is and whom to ask for changes', () => {
    const en = render('en', 'customer').text;
    expect(en).toContain(
      'Northwind Reseller (MPN ID 6543210) is the reseller of record of these subscriptions.',
    );
    expect(en).toContain(
      'To change or cancel a subscription, contact your reseller Northwind Reseller or Fabrikam Distribution. A subscription can be canceled, or its quantity reduced, only within 7 days of its start.',
    );
    expect(en).toMatch(/global admin of Contoso Ltd\.\n$/);
    expect(en).not.toMatch(/incentives/);
    const es = render('es', 'customer').text;
    expect(es).toContain(
      'Northwind Reseller (ID de MPN 6543210) es el revendedor de registro de estas suscripciones.',
    );
    expect(es).toContain(
      'póngase en contacto con su revendedor Northwind Reseller o con Fabrikam Distribution. Solo se puede cancelar una suscripción o reducir su cantidad en los 7 días siguientes a su inicio.',
    );
    expect(es).toMatch(/administrador global de Contoso Ltd\.\n$/);
    expect(es).not.toMatch(/incentivos/);
  });

  it('tells the reseller its MPN ID is on the order, and the cancellation window', () => {
    const en = render('en', 'reseller').text;
    expect(en).toContain(
      'Your MPN ID 6543210 is recorded on the order and each subscription, so your incentives are kept.',
    );
    expect(en).toContain(
      'Fabrikam Distribution can cancel a subscription, or reduce its quantity, only within 7 days of its start',
    );
    expect(en).toMatch(/Northwind Reseller is the reseller of record of this order\.\n$/);
    expect(en).not.toMatch(/contact your reseller|global admin/);
    const es = render('es', 'reseller').text;
    expect(es).toContain(
      'Su ID de MPN 6543210 queda registrado en el pedido y en cada suscripción, para que conserve sus incentivos.',
    );
    expect(es).toContain(
      'Fabrikam Distribution solo puede cancelar una suscripción o reducir su cantidad en los 7 días siguientes a su inicio',
    );
    expect(es).toMatch(/Northwind Reseller es el revendedor de registro de este pedido\.\n$/);
  });
});

describe('term notice', () => {
  const render = (
    language: Language,
    audience: Audience,
    outcome: TermNoticeParams['outcome'],
    extra: Partial<TermNoticeParams> = {},
  ) => termNoticeEmail(language, notice(audience, outcome, extra));

  it('gives the exact subjects, with the date of the term end in UTC', () => {
    for (const audience of ['customer', 'reseller'] as const) {
      expect(render('en', audience, 'RENEWS').subject).toBe('Sales team renews on 24 November 2027');
      expect(render('en', audience, 'EXPIRES').subject).toBe('Sales team ends on 24 November 2027');
      expect(render('es', audience, 'RENEWS').subject).toBe(
        'Sales team se renueva el 24 de noviembre de 2027',
      );
      expect(render('es', audience, 'EXPIRES').subject).toBe(
        'Sales team finaliza el 24 de noviembre de 2027',
      );
    }
  });

  it.each(cases)('in %s for the %s lists the subscription facts', (language, audience) => {
    for (const outcome of ['RENEWS', 'EXPIRES'] as const) {
      const { text, html } = render(language, audience, outcome);
      const table = {
        en: 'Customer: Contoso Ltd\nSubscription: Sales team\nOffer: Microsoft 365 Business Standard\nSubscription ID: sub-1234\nQuantity: 25 licenses\nTerm: 1 year\nTerm ends on: 24 November 2027',
        es: 'Cliente: Contoso Ltd\nSuscripción: Sales team\nOferta: Microsoft 365 Business Standard\nID de suscripción: sub-1234\nCantidad: 25 licencias\nPlazo: 1 año\nFin del plazo: 24 de noviembre de 2027',
      }[language];
      expect(text).toContain(table);
      expect(html).toContain('<td>sub-1234</td>');
      expect(html).toContain(`<td>${dates[language].yearEnd}</td>`);
    }
  });

  it('says the customer renews with the same quantity, and to ask the reseller to stop it', () => {
    const en = render('en', 'customer', 'RENEWS').text;
    expect(en).toContain(
      'On 24 November 2027, the subscription Sales team (Microsoft 365 Business Standard) renews automatically: a new 1 year term starts, with the same quantity, 25 licenses.',
    );
    expect(en).toContain(
      'To stop the renewal, ask your reseller Northwind Reseller to turn off auto-renew before that date.',
    );
    expect(en).not.toMatch(/lose access|released/);
    const es = render('es', 'customer', 'RENEWS').text;
    expect(es).toContain(
      'El 24 de noviembre de 2027, la suscripción Sales team (Microsoft 365 Business Standard) se renovará automáticamente: comenzará un nuevo plazo de 1 año con la misma cantidad, 25 licencias.',
    );
    expect(es).toContain(
      'Para detener la renovación, pida a su revendedor Northwind Reseller que desactive la renovación automática antes de esa fecha.',
    );
    expect(es).not.toMatch(/perderán|liberar/);
  });

  it('tells the reseller to turn off auto-renew itself', () => {
    const en = render('en', 'reseller', 'RENEWS', { termDuration: 'P1M', quantity: 1 }).text;
    expect(en).toContain(
      'the subscription Sales team (Microsoft 365 Business Standard) of Contoso Ltd renews automatically: a new 1 month term starts, with the same quantity, 1 license.',
    );
    expect(en).toContain('To stop the renewal, turn off auto-renew before that date.');
    expect(en).not.toMatch(/ask your reseller/);
    expect(en).toMatch(/Northwind Reseller is the reseller of record of this subscription\.\n$/);
    const es = render('es', 'reseller', 'RENEWS', { termDuration: 'P3Y' }).text;
    expect(es).toContain('de Contoso Ltd se renovará automáticamente: comenzará un nuevo plazo de 3 años');
    expect(es).toContain(
      'Para detener la renovación, desactive la renovación automática antes de esa fecha.',
    );
    expect(es).not.toMatch(/pida a su revendedor/);
    expect(es).toMatch(/Northwind Reseller es el revendedor de registro de esta suscripción\.\n$/);
  });

  it('says an expiring subscription releases its licenses, and how to keep it', () => {
    const en = render('en', 'customer', 'EXPIRES').text;
    expect(en).toContain(
      'On 24 November 2027, the subscription Sales team (Microsoft 365 Business Standard) ends: it does not renew. Its 25 licenses are released and users lose access.',
    );
    expect(en).toContain(
      'To keep it, ask your reseller Northwind Reseller to turn auto-renew on before that date.',
    );
    expect(en).not.toMatch(/renews automatically|new .* term/);
    expect(en).toMatch(/global admin of Contoso Ltd\.\n$/);
    const enReseller = render('en', 'reseller', 'EXPIRES', { quantity: 1 }).text;
    expect(enReseller).toContain(
      "of Contoso Ltd ends: auto-renew is off. Its license is released and the customer's users lose access.",
    );
    expect(enReseller).toContain('To keep it, turn auto-renew on before that date.');
    const es = render('es', 'customer', 'EXPIRES').text;
    expect(es).toContain(
      'El 24 de noviembre de 2027, la suscripción Sales team (Microsoft 365 Business Standard) finalizará y no se renovará. Sus 25 licencias se liberarán y los usuarios perderán el acceso.',
    );
    expect(es).toContain(
      'Para conservarla, pida a su revendedor Northwind Reseller que active la renovación automática antes de esa fecha.',
    );
    expect(es).not.toMatch(/se renovará automáticamente|nuevo plazo/);
    expect(es).toMatch(/administrador global de Contoso Ltd\.\n$/);
    const esReseller = render('es', 'reseller', 'EXPIRES', { quantity: 1 }).text;
    expect(esReseller).toContain(
      'la renovación automática está desactivada. Su licencia se liberará y los usuarios del cliente perderán el acceso.',
    );
    expect(esReseller).toContain('Para conservarla, active la renovación automática antes de esa fecha.');
  });

  it('escapes the apostrophe and names in HTML', () => {
    const email = render('en', 'reseller', 'EXPIRES', { friendlyName: 'Sales & "Ops"' });
    expect(email.subject).toBe('Sales & "Ops" ends on 24 November 2027');
    expect(email.html).toContain('the customer&#39;s users lose access');
    expect(email.html).toContain('<td>Sales &amp; &quot;Ops&quot;</td>');
    expect(email.html).toContain('<title>Sales &amp; &quot;Ops&quot; ends on 24 November 2027</title>');
  });
});
