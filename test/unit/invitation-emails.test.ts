import { describe, expect, it } from 'vitest';
import { type Language, languageOf, type RenderedEmail } from '../../functions/platform/mail/locale.ts';
import { escapeHtml } from '../../functions/platform/pages/html.ts';
import { combinedRelationshipEmail } from '../../functions/relationships/emails/combined-request.ts';
import { customerRelationshipEmail } from '../../functions/relationships/emails/customer-request.ts';
import { draftEmail } from '../../functions/relationships/emails/draft.ts';
import { providerInvitationEmail } from '../../functions/relationships/emails/provider-invitation.ts';

const provider = { providerName: 'Fabrikam Distribution', providerDomain: 'fabrikam.example' };
const reseller = { resellerName: 'Contoso Reseller', resellerDomain: 'contoso.example' };
const link = 'https://partner.example.com/invitations/accept?token=abc123&x=1';
const expiresAt = new Date('2026-11-24T23:30:00Z');
const expires: Record<Language, string> = { en: '24 November 2026', es: '24 de noviembre de 2026' };
const message = 'Hi team,\nwe would love to work with you.';

interface Names {
  providerName?: string;
  resellerName?: string;
}

/** Every invitation message: render it, and the partners whose names must show (the inviting one first). */
const messages: Record<string, (locale: string | undefined, names?: Names) => [RenderedEmail, string[]]> = {
  'provider invitation': (l, n = {}) => {
    const p = { ...provider, ...(n.providerName ? { providerName: n.providerName } : {}) };
    return [providerInvitationEmail(l, { ...p, message, link, expiresAt }), [p.providerName]];
  },
  'customer request': (l, n = {}) => {
    const r = { ...reseller, ...(n.resellerName ? { resellerName: n.resellerName } : {}) };
    return [customerRelationshipEmail(l, { ...r, delegatedAdmin: true, link, expiresAt }), [r.resellerName]];
  },
  'combined request': (l, n = {}) => {
    const p = { ...provider, ...(n.providerName ? { providerName: n.providerName } : {}) };
    const r = { ...reseller, ...(n.resellerName ? { resellerName: n.resellerName } : {}) };
    return [
      combinedRelationshipEmail(l, { ...r, ...p, delegatedAdmin: true, link, expiresAt }),
      [r.resellerName, p.providerName],
    ];
  },
};

/** Words only each language uses; every subject and text has some of its own and none of the other's. */
const marks: Record<Language, RegExp> = {
  en: /\b(the|your|you|link|accept|organization|invites?|asks?|email)\b/i,
  es: /(\bsu\b|\bla\b|\bel\b|organización|enlace|aceptar?|solicit|invita\b|correo electrónico|proveedor)/i,
};

/** Text without the quoted message and the interpolated values: only the template's own words. */
const templateWords = (text: string) =>
  [
    link,
    provider.providerName,
    provider.providerDomain,
    reseller.resellerName,
    reseller.resellerDomain,
  ].reduce((t, value) => t.replaceAll(value, ''), text.replace(/^> .*$/gm, ''));

describe.each(Object.entries(messages))('%s email', (_, render) => {
  it.each(['en-US', 'es-ES'] as const)('in %s names the partners and carries the link', (locale) => {
    const language = languageOf(locale);
    const [email, partners] = render(locale);
    for (const partner of partners) {
      expect(email.subject).toContain(partner);
      expect(email.text).toContain(partner);
      expect(email.html).toContain(partner);
    }
    expect(email.subject).not.toMatch(/\n/);
    expect(email.text).toContain(link);
    const escaped = escapeHtml(link);
    expect(email.html).toContain(`href="${escaped}"`);
    expect(email.html.split(escaped)).toHaveLength(3); // once in the href, once as text to paste
    expect(email.text).toContain(expires[language]);
    expect(email.html).toContain(expires[language]);
    expect(email.html).toContain(`<html lang="${language}">`);
    expect(email.html).not.toMatch(/<img|<script|https?:\/\/(?!partner\.example\.com)/i);
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it.each(['en', 'es'] as const)('in %s is really in that language', (language) => {
    const [email] = render(language);
    const other = language === 'en' ? 'es' : 'en';
    for (const part of [email.subject, templateWords(email.text)]) {
      expect(part).toMatch(marks[language]);
      expect(part).not.toMatch(marks[other]);
    }
  });

  it('says only a global admin can accept', () => {
    expect(render('en')[0].text).toMatch(/Only a global admin of your organization can accept/);
    expect(render('es')[0].text).toMatch(/Solo un administrador global de su organización puede aceptar/);
  });

  it('defaults to English when the locale is missing or unknown', () => {
    expect(render(undefined)[0]).toEqual(render('en')[0]);
    expect(render('de-DE')[0]).toEqual(render('en')[0]);
  });

  it.each(['en', 'es'])('in %s escapes partner names in HTML, not in text or subject', (locale) => {
    const evil = 'Evil <script>alert("x")</script> & Co';
    const [email, partners] = render(locale, { providerName: evil, resellerName: evil });
    expect(partners).toContain(evil);
    expect(email.subject).toContain(evil);
    expect(email.text).toContain(evil);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
  });
});

describe('provider invitation', () => {
  const render = (locale: string, extra: { message?: string } = {}) =>
    providerInvitationEmail(locale, { ...provider, link, expiresAt, ...extra });

  it('states the order and admin access grant before the link', () => {
    const grants: Record<Language, RegExp> = {
      en: /you authorize Fabrikam Distribution to submit orders on your behalf for your customers and to have admin access to your organization's tenant\./,
      es: /autoriza a Fabrikam Distribution a enviar pedidos en su nombre para sus clientes y a tener acceso de administrador al inquilino de su organización\./,
    };
    for (const language of ['en', 'es'] as const) {
      const email = render(language);
      const grant = email.text.search(grants[language]);
      expect(grant).toBeGreaterThan(-1);
      expect(grant).toBeLessThan(email.text.indexOf(link));
      const htmlGrant = email.html.search(grants[language].source.replace("'", '&#39;'));
      expect(htmlGrant).toBeGreaterThan(-1);
      expect(htmlGrant).toBeLessThan(email.html.indexOf('href='));
    }
  });

  it('names the provider domain and what it invites to', () => {
    expect(render('en').text).toContain(
      'Fabrikam Distribution (fabrikam.example) is an indirect provider (distributor) and invites your organization to become one of its indirect resellers.',
    );
    expect(render('es').text).toContain('invita a su organización a ser uno de sus revendedores indirectos');
  });

  it('quotes the optional message, escaped in HTML', () => {
    const tricky = 'Welcome <b>aboard</b> & "thanks"\nsecond line';
    for (const locale of ['en', 'es']) {
      const email = render(locale, { message: tricky });
      expect(email.text).toContain('> Welcome <b>aboard</b> & "thanks"\n> second line');
      expect(email.html).toContain(`${escapeHtml(tricky)}</blockquote>`);
      expect(email.html).not.toContain('<b>');
      // The message comes before the link, like the rest of what the provider says.
      expect(email.text.indexOf('> Welcome')).toBeLessThan(email.text.indexOf(link));
    }
    expect(render('en', { message: tricky }).text).toContain('Fabrikam Distribution added this message:');
    expect(render('es', { message: tricky }).text).toContain(
      'Fabrikam Distribution ha añadido este mensaje:',
    );
  });

  it('leaves the quote out without a message, or with a blank one', () => {
    for (const locale of ['en', 'es']) {
      for (const email of [render(locale), render(locale, { message: '  \n ' })]) {
        expect(email.html).not.toContain('<blockquote');
        expect(email.text).not.toMatch(/^>/m);
        expect(email.text).not.toMatch(/added this message|ha añadido este mensaje/);
      }
    }
  });

  it('gives the exact subjects', () => {
    expect(render('en').subject).toBe('Fabrikam Distribution invites you to become its indirect reseller');
    expect(render('es').subject).toBe(
      'Fabrikam Distribution le invita a ser uno de sus revendedores indirectos',
    );
  });

  it('refuses a link that is not a web URL', () => {
    expect(() =>
      providerInvitationEmail('en', { ...provider, link: 'javascript:alert(1)', expiresAt }),
    ).toThrow(/http/);
  });
});

describe('customer requests', () => {
  const customer = (locale: string, delegatedAdmin: boolean) =>
    customerRelationshipEmail(locale, { ...reseller, delegatedAdmin, link, expiresAt });
  const combined = (locale: string, delegatedAdmin: boolean) =>
    combinedRelationshipEmail(locale, { ...reseller, ...provider, delegatedAdmin, link, expiresAt });

  const delegated: Record<Language, { customer: string; combined: string }> = {
    en: {
      customer:
        "Contoso Reseller will also get delegated administration privileges for your organization's tenant.",
      combined:
        "Contoso Reseller and Fabrikam Distribution will also get delegated administration privileges for your organization's tenant.",
    },
    es: {
      customer:
        'Contoso Reseller también obtendrá privilegios de administración delegada para el inquilino de su organización.',
      combined:
        'Contoso Reseller y Fabrikam Distribution también obtendrán privilegios de administración delegada para el inquilino de su organización.',
    },
  };

  it.each(['en', 'es'] as const)(
    'in %s mention delegated administration only when it is requested',
    (language) => {
      for (const [render, sentence] of [
        [customer, delegated[language].customer],
        [combined, delegated[language].combined],
      ] as const) {
        const withAdmin = render(language, true);
        expect(withAdmin.text).toContain(sentence);
        expect(withAdmin.html).toContain(escapeHtml(sentence));
        expect(withAdmin.text.indexOf(sentence)).toBeLessThan(withAdmin.text.indexOf(link));
        const without = render(language, false);
        expect(without.text).not.toMatch(/delegated|delegada/);
        expect(without.html).not.toMatch(/delegated|delegada/);
      }
    },
  );

  it('tell a company without a work account to create one first', () => {
    for (const render of [customer, combined]) {
      expect(render('en', true).text).toContain(
        'If your company does not have a work account yet, create one first, then come back to this link.',
      );
      expect(render('es', true).text).toContain(
        'Si su empresa todavía no tiene una cuenta profesional, cree una primero y después vuelva a este enlace.',
      );
    }
  });

  it('customer request asks to become the Cloud Solution Provider', () => {
    expect(customer('en', false).text).toContain(
      'Contoso Reseller (contoso.example) asks to become the Cloud Solution Provider of your organization.',
    );
    expect(customer('es', false).text).toContain(
      'Contoso Reseller (contoso.example) solicita ser el proveedor de soluciones en la nube de su organización.',
    );
  });

  it('combined request names both partners and their domains', () => {
    for (const locale of ['en', 'es']) {
      const email = combined(locale, false);
      for (const value of [
        'Contoso Reseller',
        'contoso.example',
        'Fabrikam Distribution',
        'fabrikam.example',
      ]) {
        expect(email.text).toContain(value);
        expect(email.html).toContain(value);
      }
    }
    expect(combined('en', false).text).toContain(
      'with itself and with its indirect provider Fabrikam Distribution',
    );
    expect(combined('es', false).text).toContain('el proveedor indirecto con el que trabaja');
  });

  it('give the exact subjects', () => {
    expect(customer('en', true).subject).toBe('Contoso Reseller asks to become your Cloud Solution Provider');
    expect(customer('es', true).subject).toBe(
      'Contoso Reseller solicita ser su proveedor de soluciones en la nube',
    );
    expect(combined('en', true).subject).toBe(
      'Contoso Reseller and Fabrikam Distribution ask to become your Cloud Solution Providers',
    );
    expect(combined('es', true).subject).toBe(
      'Contoso Reseller y Fabrikam Distribution solicitan ser sus proveedores de soluciones en la nube',
    );
  });
});

describe('draftEmail', () => {
  it('returns just the subject and the text, with the link', () => {
    for (const locale of ['en', 'es']) {
      for (const rendered of [
        customerRelationshipEmail(locale, { ...reseller, delegatedAdmin: true, link, expiresAt }),
        combinedRelationshipEmail(locale, {
          ...reseller,
          ...provider,
          delegatedAdmin: false,
          link,
          expiresAt,
        }),
      ]) {
        const draft = draftEmail(rendered);
        expect(draft).toEqual({ subject: rendered.subject, text: rendered.text });
        expect(draft.text).toContain(link);
        expect(draft.subject).toContain('Contoso Reseller');
      }
    }
  });
});
