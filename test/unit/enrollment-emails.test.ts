import { describe, expect, it } from 'vitest';
import { enrollmentApprovedEmail } from '../../functions/enrollment/emails/approved.ts';
import { enrollmentExpiredEmail } from '../../functions/enrollment/emails/expired.ts';
import { enrollmentInReviewEmail } from '../../functions/enrollment/emails/in-review.ts';
import { enrollmentRejectedEmail } from '../../functions/enrollment/emails/rejected.ts';
import { enrollmentReviewOverdueEmail } from '../../functions/enrollment/emails/review-overdue.ts';
import { enrollmentStillInReviewEmail } from '../../functions/enrollment/emails/still-in-review.ts';
import { enrollmentVerificationEmail } from '../../functions/enrollment/emails/verification.ts';
import {
  formatDate,
  type Language,
  languageOf,
  type RenderedEmail,
} from '../../functions/platform/mail/locale.ts';
import { escapeHtml } from '../../functions/platform/pages/html.ts';

const org = 'Contoso Ltd';
const name = 'Ana';
const link = 'https://partner.example.com/enrollments/verify?token=abc123&id=e-42';
const signInUrl = 'https://partner.example.com/sign-in?hint=ana@contoso.com&x=1';
const reason = 'The company registration number does not match the legal name.';
const date = new Date('2026-11-24T23:30:00Z');

/** Every contact message, rendered for a language, with the values that must appear in it. */
const messages: Record<
  string,
  (locale: string | undefined, organizationName?: string) => [RenderedEmail, string[]]
> = {
  verification: (l, o = org) => [
    enrollmentVerificationEmail(l, { contactFirstName: name, organizationName: o, link, expiresAt: date }),
    [link, formatDate(date, languageOf(l))],
  ],
  'in review': (l, o = org) => [
    enrollmentInReviewEmail(l, { contactFirstName: name, organizationName: o, enrollmentId: 'e-42' }),
    ['e-42'],
  ],
  'still in review': (l, o = org) => [
    enrollmentStillInReviewEmail(l, {
      contactFirstName: name,
      organizationName: o,
      submittedAt: date,
      reminderNumber: 1,
    }),
    [formatDate(date, languageOf(l))],
  ],
  approved: (l, o = org) => [
    enrollmentApprovedEmail(l, { contactFirstName: name, organizationName: o, mpnId: '6543210', signInUrl }),
    ['6543210', signInUrl],
  ],
  rejected: (l, o = org) => [
    enrollmentRejectedEmail(l, { contactFirstName: name, organizationName: o, reason }),
    [reason],
  ],
  expired: (l, o = org) => [
    enrollmentExpiredEmail(l, { contactFirstName: name, organizationName: o }),
    ['7'],
  ],
};

/** How each language greets, and words only that language uses (each subject and text has some). */
const marks: Record<Language, { greeting: string; words: RegExp }> = {
  en: { greeting: `Hello ${name},`, words: /\b(hello|the|enrollment|reseller|your|email)\b/i },
  es: {
    greeting: `Hola, ${name}:`,
    words: /(\bla\b|inscripción|revendedor|\bsu\b|correo electrónico|hola)/i,
  },
};

describe('languageOf', () => {
  it.each([
    ['es', 'es'],
    ['es-ES', 'es'],
    ['es-419', 'es'],
    ['ES-mx', 'es'],
    ['es_AR', 'es'],
    [' es-ES ', 'es'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['fr-FR', 'en'],
    ['est', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ] as const)('%j → %s', (locale, language) => {
    expect(languageOf(locale)).toBe(language);
  });
});

describe('formatDate', () => {
  it('formats in UTC for each language', () => {
    expect(formatDate(date, 'en')).toBe('24 November 2026');
    expect(formatDate(date, 'es')).toBe('24 de noviembre de 2026');
  });
});

describe.each(Object.entries(messages))('%s email', (_, render) => {
  it.each(['en-US', 'es-ES'] as const)(
    'in %s names the organization and carries the key values',
    (locale) => {
      const language = languageOf(locale);
      const [email, values] = render(locale);
      expect(email.subject).toContain(org);
      expect(email.subject).not.toMatch(/\n/);
      expect(email.subject.length).toBeLessThan(80);
      expect(email.text).toContain(org);
      expect(email.html).toContain(org);
      expect(email.text).toContain(marks[language].greeting);
      expect(email.html).toContain(marks[language].greeting);
      for (const value of values) {
        expect(email.text).toContain(value);
        expect(email.html).toContain(escapeHtml(value));
      }
      expect(email.html).toContain(`<html lang="${language}">`);
      expect(email.html).not.toMatch(/<img|<script|https?:\/\/(?!partner\.example\.com)/i);
      expect(email.text).not.toMatch(/<[a-z]/i);
    },
  );

  it.each(['en', 'es'] as const)('in %s is really in that language', (language) => {
    const [email, values] = render(language);
    // Interpolated values (a reason an operator wrote, say) are in whatever language they are in.
    const text = values.reduce((t, value) => t.replaceAll(value, ''), email.text);
    const other = language === 'en' ? 'es' : 'en';
    for (const part of [email.subject, text]) {
      expect(part).toMatch(marks[language].words);
      expect(part).not.toMatch(marks[other].words);
    }
  });

  it('defaults to English when the locale is missing or unknown', () => {
    expect(render(undefined)[0]).toEqual(render('en')[0]);
    expect(render('de-DE')[0]).toEqual(render('en')[0]);
  });

  it.each(['en', 'es'])('in %s escapes the organization name in HTML, not in text', (locale) => {
    const evil = 'Evil <script>alert("x")</script> & Co';
    const [email] = render(locale, evil);
    expect(email.text).toContain(evil);
    expect(email.subject).toContain(evil);
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
  });
});

describe('message specifics', () => {
  it('verification shows the link as a button and as plain text, in both languages', () => {
    for (const locale of ['en', 'es']) {
      const email = enrollmentVerificationEmail(locale, {
        contactFirstName: name,
        organizationName: org,
        link,
        expiresAt: date,
      });
      expect(email.text).toContain(link);
      const escaped = escapeHtml(link);
      expect(email.html).toContain(`href="${escaped}"`);
      expect(email.html.split(escaped)).toHaveLength(3); // once in the href, once as text to paste
    }
    const es = enrollmentVerificationEmail('es-419', {
      contactFirstName: name,
      organizationName: org,
      link,
      expiresAt: date,
    });
    expect(es.text).toMatch(/Verifi(que|car)/);
    expect(es.text).toContain('caduca el 24 de noviembre de 2026');
    const en = enrollmentVerificationEmail('en', {
      contactFirstName: name,
      organizationName: org,
      link,
      expiresAt: date,
    });
    expect(en.text).toContain('expires on 24 November 2026');
    expect(en.text).toMatch(/ignore/);
  });

  it('verification refuses a link that is not a web URL', () => {
    expect(() =>
      enrollmentVerificationEmail('en', {
        contactFirstName: name,
        organizationName: org,
        link: 'javascript:alert(1)',
        expiresAt: date,
      }),
    ).toThrow(/http/);
  });

  it('in review and still in review say "revisión" in Spanish', () => {
    const inReview = enrollmentInReviewEmail('es', {
      contactFirstName: name,
      organizationName: org,
      enrollmentId: 'e-42',
    });
    expect(inReview.subject).toContain('revisión');
    expect(inReview.text).toContain('varios días laborables');
    const still = enrollmentStillInReviewEmail('es', {
      contactFirstName: name,
      organizationName: org,
      submittedAt: date,
      reminderNumber: 1,
    });
    expect(still.subject).toContain('sigue en revisión');
    expect(still.text).toContain('enviada el 24 de noviembre de 2026');
  });

  it('still in review apologises from the second reminder on', () => {
    const render = (reminderNumber: number, locale: string) =>
      enrollmentStillInReviewEmail(locale, {
        contactFirstName: name,
        organizationName: org,
        submittedAt: date,
        reminderNumber,
      }).text;
    expect(render(1, 'en')).not.toMatch(/sorry/);
    expect(render(2, 'en')).toMatch(/sorry/);
    expect(render(1, 'es')).not.toMatch(/Lamentamos/);
    expect(render(3, 'es')).toMatch(/Lamentamos/);
  });

  it('approved names the roles and links to sign in', () => {
    const en = enrollmentApprovedEmail('en', {
      contactFirstName: name,
      organizationName: org,
      mpnId: '1',
      signInUrl,
    });
    expect(en.text).toMatch(/global admin/);
    expect(en.text).toMatch(/admin agent/);
    expect(en.text).toMatch(/indirect reseller/);
    expect(en.html).toContain(`href="${escapeHtml(signInUrl)}"`);
    const es = enrollmentApprovedEmail('es', {
      contactFirstName: name,
      organizationName: org,
      mpnId: '1',
      signInUrl,
    });
    expect(es.text).toMatch(/administrador global/);
    expect(es.text).toMatch(/agente de administración/);
    expect(es.text).toMatch(/revendedor indirecto/);
    expect(es.text).toMatch(/usted/);
  });

  it('rejected quotes the reason, escaped in HTML', () => {
    const tricky = 'Name <b>mismatch</b> & "typo"';
    for (const locale of ['en', 'es']) {
      const email = enrollmentRejectedEmail(locale, {
        contactFirstName: name,
        organizationName: org,
        reason: tricky,
      });
      expect(email.text).toContain(`> ${tricky}`);
      expect(email.html).toContain(`${escapeHtml(tricky)}</blockquote>`);
      expect(email.html).not.toContain('<b>');
    }
    expect(
      enrollmentRejectedEmail('es', { contactFirstName: name, organizationName: org, reason }).text,
    ).toContain('volver a inscribirse');
  });

  it('expired asks for a new enrollment', () => {
    expect(enrollmentExpiredEmail('en', { contactFirstName: name, organizationName: org }).text).toMatch(
      /7 days[\s\S]*start a new enrollment/,
    );
    expect(enrollmentExpiredEmail('es', { contactFirstName: name, organizationName: org }).text).toMatch(
      /7 días[\s\S]*nueva inscripción/,
    );
  });
});

describe('review overdue email (operators)', () => {
  const params = { organizationName: org, enrollmentId: 'e-42', submittedAt: date, daysInReview: 9 };

  it('is English and carries the enrollment facts', () => {
    const email = enrollmentReviewOverdueEmail(params);
    expect(email.subject).toContain(org);
    expect(email.subject).toContain('9 days');
    for (const body of [email.text, email.html]) {
      expect(body).toContain('e-42');
      expect(body).toContain('24 November 2026');
      expect(body).toContain('9 days');
    }
    expect(email.text).not.toMatch(marks.es.words);
    expect(email.html).toContain('<html lang="en">');
    expect(enrollmentReviewOverdueEmail({ ...params, daysInReview: 1 }).subject).toContain('1 day in review');
  });

  it('escapes the organization name in HTML, not in text', () => {
    const email = enrollmentReviewOverdueEmail({ ...params, organizationName: '<script>x</script>' });
    expect(email.text).toContain('<script>x</script>');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});
