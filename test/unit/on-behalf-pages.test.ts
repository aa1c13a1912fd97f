import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROLES,
  type AdminRelationshipRecord,
  type DelegatedRole,
} from '../../functions/on-behalf/domain/model.ts';
import { approvalRequestEmail } from '../../functions/on-behalf/emails/approval-request.ts';
import {
  type RelationshipEnd,
  relationshipEndedEmail,
} from '../../functions/on-behalf/emails/relationship-ended.ts';
import { durationInWords, roleInWords } from '../../functions/on-behalf/emails/roles.ts';
import { answeredPage, approvalPage } from '../../functions/on-behalf/pages/approval.ts';
import type { Language } from '../../functions/platform/mail/locale.ts';
import { escapeHtml } from '../../functions/platform/pages/html.ts';

const languages = ['en', 'es'] as const;
const evil = '<b>Evil & Co</b>';
const evilEscaped = '&lt;b&gt;Evil &amp; Co&lt;/b&gt;';
const link = 'https://partner.example.com/admin-relationships/approve?token=tok_abc123&x=1';
const requestExpiresAt = new Date('2026-11-24T23:30:00Z');
const expires: Record<Language, string> = { en: '24 November 2026', es: '24 de noviembre de 2026' };

const expectedRoles: Record<Language, Record<DelegatedRole, string>> = {
  en: {
    DIRECTORY_READER: 'Directory reader: read your users and their licenses',
    USER_ADMINISTRATOR: 'User administrator: create, delete and restore your users (not global admins)',
    LICENSE_ADMINISTRATOR: "License administrator: assign and remove your users' licenses",
    SERVICE_SUPPORT_ADMINISTRATOR: 'Service support administrator: open and manage service requests for you',
    GLOBAL_ADMINISTRATOR: 'Global administrator: everything above, including your global admins',
  },
  es: {
    DIRECTORY_READER: 'Lector de directorio: leer sus usuarios y sus licencias',
    USER_ADMINISTRATOR:
      'Administrador de usuarios: crear, eliminar y restaurar sus usuarios (no los administradores globales)',
    LICENSE_ADMINISTRATOR: 'Administrador de licencias: asignar y quitar las licencias de sus usuarios',
    SERVICE_SUPPORT_ADMINISTRATOR:
      'Administrador de soporte del servicio: abrir y gestionar solicitudes de servicio en su nombre',
    GLOBAL_ADMINISTRATOR: 'Administrador global: todo lo anterior, incluidos sus administradores globales',
  },
};

const record = (over: Partial<AdminRelationshipRecord> = {}): AdminRelationshipRecord => ({
  relationshipId: 'rel_1',
  displayName: 'Helpdesk 2026',
  partner: { organizationId: 'org_partner', name: 'Contoso Reseller' },
  customer: { organizationId: 'org_customer', name: 'Woodgrove Bank' },
  roles: ['DIRECTORY_READER', 'USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR'],
  duration: 'P730D',
  autoExtend: false,
  status: 'APPROVAL_PENDING',
  createdAt: '2026-08-26T23:30:00.000Z',
  requestExpiresAt: requestExpiresAt.toISOString(),
  ...over,
});

/** Words only each language uses; the template's own words in every subject and text. */
const marks: Record<Language, RegExp> = {
  en: /\b(the|your|you|link|access|request|ended|email)\b/i,
  es: /(\bsu\b|\bla\b|\bel\b|organización|enlace|acceso|solicitud|finaliz|correo electrónico)/i,
};
/** Text without the interpolated names and link. */
const templateWords = (text: string) =>
  [link, 'Contoso Reseller', 'Woodgrove Bank', 'Helpdesk 2026'].reduce((t, v) => t.replaceAll(v, ''), text);

/** The text of the element with this id (the page's markup, unescaped tags removed). */
const byId = (doc: string, id: string) => {
  const m = new RegExp(`<([a-z]+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(doc);
  if (!m) throw new Error(`no element with id="${id}"`);
  return m[2] ?? '';
};
const textOf = (markup: string) => markup.replace(/<[^>]+>/g, '');

describe('roles and durations in words', () => {
  it.each(languages)('in %s says every role in plain words', (language) => {
    for (const role of ADMIN_ROLES) expect(roleInWords(role, language)).toBe(expectedRoles[language][role]);
    const all = ADMIN_ROLES.map((role) => roleInWords(role, language));
    expect(new Set(all).size).toBe(ADMIN_ROLES.length);
  });

  it.each([
    ['P1D', '1 day', '1 día'],
    ['P30D', '30 days', '30 días'],
    ['P59D', '59 days', '59 días'],
    ['P60D', '60 days (about 2 months)', '60 días (unos 2 meses)'],
    ['P90D', '90 days (about 3 months)', '90 días (unos 3 meses)'],
    ['P364D', '364 days (about 12 months)', '364 días (unos 12 meses)'],
    ['P365D', '365 days (about 1 year)', '365 días (aproximadamente 1 año)'],
    ['P730D', '730 days (about 2 years)', '730 días (unos 2 años)'],
  ])('%s is "%s" / "%s"', (duration, en, es) => {
    expect(durationInWords(duration, 'en')).toBe(en);
    expect(durationInWords(duration, 'es')).toBe(es);
  });

  it('shows a malformed duration as written', () => {
    expect(durationInWords('P2M', 'en')).toBe('P2M');
  });
});

describe('approval page', () => {
  const token = 'tok_abc"123';

  it('says which partner asks, for which customer, each role, how long and until when', () => {
    const doc = approvalPage(token, record());
    expect(doc).toContain('<title>Contoso Reseller asks for admin access to Woodgrove Bank</title>');
    expect(doc).toContain('<h1>Contoso Reseller asks for admin access to Woodgrove Bank</h1>');
    const items = [...byId(doc, 'roles').matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]);
    expect(items).toEqual(
      ['DIRECTORY_READER', 'USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR'].map((r) =>
        escapeHtml(expectedRoles.en[r as DelegatedRole]),
      ),
    );
    const duration = textOf(byId(doc, 'duration'));
    expect(duration).toContain('730 days (about 2 years)');
    expect(duration).not.toMatch(/180 days|automatically/);
    expect(doc).toMatch(/Only a global admin of Woodgrove Bank can approve/);
    expect(doc).toMatch(/Woodgrove Bank can end this access at any time/);
    expect(doc).toContain('2026-11-24');
    expect(doc).not.toContain('2026-11-24T');
  });

  it('lists every role, one item each', () => {
    const doc = approvalPage(token, record({ roles: [...ADMIN_ROLES] }));
    const items = byId(doc, 'roles').match(/<li>/g) ?? [];
    expect(items).toHaveLength(ADMIN_ROLES.length);
    for (const role of ADMIN_ROLES) expect(doc).toContain(`<li>${escapeHtml(expectedRoles.en[role])}</li>`);
  });

  it('says an auto-extending relationship extends by 180 days unless ended', () => {
    const doc = approvalPage(token, record({ autoExtend: true, duration: 'P90D' }));
    const duration = textOf(byId(doc, 'duration'));
    expect(duration).toContain('90 days (about 3 months)');
    expect(duration).toMatch(
      /extends by 180 days automatically, unless Woodgrove Bank or Contoso Reseller ends it/,
    );
  });

  it('posts the hidden token, email and password to approve, and to reject from its button', () => {
    const doc = approvalPage(token, record());
    expect(doc).toContain('<form method="post" action="/admin-relationships/approve">');
    expect(doc).toContain(`<input type="hidden" name="token" value="${escapeHtml(token)}">`);
    expect(doc).toMatch(/<input type="email" id="email" name="email"[^>]*required>/);
    expect(doc).toMatch(/<input type="password" id="password" name="password"[^>]*required>/);
    expect(doc).toMatch(/<button type="submit" id="approve">Approve<\/button>/);
    expect(doc).toMatch(
      /<button type="submit" id="reject" formaction="\/admin-relationships\/reject">Reject<\/button>/,
    );
    // Both buttons inside the one form.
    const form = /<form[\s\S]*?<\/form>/.exec(doc)?.[0] ?? '';
    expect(form).toContain('id="approve"');
    expect(form).toContain('id="reject"');
    expect(form).toContain('name="token"');
  });

  it('has no script and escapes the names and the token', () => {
    const doc = approvalPage(
      '"><script>x</script>',
      record({ partner: { organizationId: 'p', name: evil }, displayName: '<i>x</i>' }),
    );
    expect(doc).not.toMatch(/<script|<b>|<i>/i);
    expect(doc).toContain(`<h1>${evilEscaped} asks for admin access to Woodgrove Bank</h1>`);
    expect(doc).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(doc).toContain('&lt;i&gt;x&lt;/i&gt;');
  });
});

describe('answered page', () => {
  const active = record({
    status: 'ACTIVE',
    activatedAt: '2026-09-01T10:00:00.000Z',
    endsAt: '2028-08-31T10:00:00.000Z',
  });

  it('says what the partner can now do and until when', () => {
    const result = textOf(byId(answeredPage('ACTIVE', active), 'result'));
    expect(result).toMatch(/^Admin access approved: Contoso Reseller can now /);
    expect(result).toContain('Directory reader, User administrator, License administrator');
    expect(result).toContain('until 2028-08-31.');
    expect(result).not.toContain('180 days');
    expect(textOf(byId(answeredPage('ACTIVE', { ...active, autoExtend: true }), 'result'))).toContain(
      '180 days',
    );
  });

  it('says a rejected partner gets no access', () => {
    const doc = answeredPage('REJECTED', active);
    expect(textOf(byId(doc, 'result'))).toMatch(/^Request rejected: Contoso Reseller gets no access/);
    expect(doc).not.toContain('Admin access approved');
  });

  it.each(['ACTIVE', 'REJECTED'] as const)('escapes the partner name when %s, no script', (status) => {
    const doc = answeredPage(status, { ...active, partner: { organizationId: 'p', name: evil } });
    expect(doc).not.toMatch(/<script|<b>/i);
    expect(byId(doc, 'result')).toContain(evilEscaped);
  });
});

describe('approval request email', () => {
  const params = {
    partnerName: 'Contoso Reseller',
    customerName: 'Woodgrove Bank',
    displayName: 'Helpdesk 2026',
    roles: [...ADMIN_ROLES] as DelegatedRole[],
    duration: 'P730D',
    autoExtend: false,
    link,
    requestExpiresAt,
  };
  const subjects: Record<Language, string> = {
    en: 'Contoso Reseller asks for admin access to Woodgrove Bank',
    es: 'Contoso Reseller solicita acceso de administrador a Woodgrove Bank',
  };

  it.each(languages)('in %s names both sides, every role, how long, the link and its expiry', (language) => {
    const email = approvalRequestEmail(language, params);
    expect(email.subject).toBe(subjects[language]);
    for (const role of ADMIN_ROLES) {
      expect(email.text).toContain(expectedRoles[language][role]);
      const [name, what] = expectedRoles[language][role].split(': ') as [string, string];
      expect(email.html).toContain(`${escapeHtml(name)}</th><td>${escapeHtml(what)}</td>`);
    }
    expect(email.text).toContain(durationInWords('P730D', language));
    expect(email.text).toContain('Helpdesk 2026');
    expect(email.text).toContain(language === 'en' ? 'Review the request:' : 'Revisar la solicitud:');
    expect(email.text).toContain(link);
    const escaped = escapeHtml(link);
    expect(email.html).toContain(`href="${escaped}"`);
    expect(email.html.split(escaped)).toHaveLength(3);
    expect(email.text).toContain(expires[language]);
    expect(email.html).toContain(expires[language]);
    expect(email.html).toContain(`<html lang="${language}">`);
    expect(email.html).not.toMatch(/<img|<script|https?:\/\/(?!partner\.example\.com)/i);
    expect(email.text).not.toMatch(/<[a-z]/i);
  });

  it.each(languages)('in %s lists only the roles asked for', (language) => {
    const email = approvalRequestEmail(language, { ...params, roles: ['DIRECTORY_READER'] });
    expect(email.text).toContain(expectedRoles[language].DIRECTORY_READER);
    for (const role of ADMIN_ROLES.filter((r) => r !== 'DIRECTORY_READER')) {
      expect(email.text).not.toContain(expectedRoles[language][role]);
    }
  });

  it('says auto-extension only when the request has it', () => {
    expect(approvalRequestEmail('en', params).text).not.toContain('180 days');
    expect(approvalRequestEmail('es', params).text).not.toContain('180 días');
    expect(approvalRequestEmail('en', { ...params, autoExtend: true }).text).toMatch(
      /extends by 180 days automatically, unless Woodgrove Bank or Contoso Reseller ends it/,
    );
    expect(approvalRequestEmail('es', { ...params, autoExtend: true }).text).toMatch(
      /se amplía automáticamente 180 días, salvo que Woodgrove Bank o Contoso Reseller lo finalicen/,
    );
  });

  it('says who may approve, why they receive it, and that ignoring changes nothing', () => {
    const en = approvalRequestEmail('en', params).text;
    expect(en).toMatch(/Only a global admin of Woodgrove Bank can approve this request/);
    expect(en).toMatch(/because you are a global admin of Woodgrove Bank\. .*ignore it: nothing changes/);
    const es = approvalRequestEmail('es', params).text;
    expect(es).toMatch(/Solo un administrador global de Woodgrove Bank puede aprobar esta solicitud/);
    expect(es).toMatch(/porque es administrador global de Woodgrove Bank\. .*puede ignorarlo: nada cambia/);
  });

  it.each(languages)('in %s is really in that language', (language) => {
    const email = approvalRequestEmail(language, params);
    const other = language === 'en' ? 'es' : 'en';
    for (const part of [email.subject, templateWords(email.text)]) {
      expect(part).toMatch(marks[language]);
      expect(part).not.toMatch(marks[other]);
    }
  });

  it.each(languages)('in %s escapes the partner name in HTML, not in text or subject', (language) => {
    const email = approvalRequestEmail(language, { ...params, partnerName: evil });
    expect(email.subject).toContain(evil);
    expect(email.text).toContain(evil);
    expect(email.html).not.toMatch(/<b>|<script/i);
    expect(email.html).toContain(evilEscaped);
  });

  it('refuses a link that is not a web link', () => {
    expect(() => approvalRequestEmail('en', { ...params, link: 'javascript:alert(1)' })).toThrow();
  });
});

describe('relationship ended email', () => {
  const endedAt = new Date('2027-03-05T08:00:00Z');
  const ended: Record<Language, string> = { en: '5 March 2027', es: '5 de marzo de 2027' };
  const base = {
    partnerName: 'Contoso Reseller',
    customerName: 'Woodgrove Bank',
    displayName: 'Helpdesk 2026',
    endedAt,
  };
  const hows: RelationshipEnd[] = ['TERMINATED_BY_PARTNER', 'TERMINATED_BY_CUSTOMER', 'EXPIRED'];
  const who: Record<Language, Record<RelationshipEnd, RegExp>> = {
    en: {
      TERMINATED_BY_PARTNER: /^Contoso Reseller ended its admin access to Woodgrove Bank/,
      TERMINATED_BY_CUSTOMER: /^Woodgrove Bank ended the admin access of Contoso Reseller/,
      EXPIRED: /^The admin access of Contoso Reseller to Woodgrove Bank .* expired on/,
    },
    es: {
      TERMINATED_BY_PARTNER: /^Contoso Reseller finalizó su acceso de administrador a Woodgrove Bank/,
      TERMINATED_BY_CUSTOMER: /^Woodgrove Bank finalizó el acceso de administrador de Contoso Reseller/,
      EXPIRED: /^El acceso de administrador de Contoso Reseller a Woodgrove Bank .* caducó el/,
    },
  };

  describe.each(languages)('in %s', (language) => {
    it.each(hows.flatMap((how) => (['partner', 'customer'] as const).map((audience) => [how, audience])))(
      '%s, to the %s, says who ended it, when, and that access ended at once',
      (how, audience) => {
        const email = relationshipEndedEmail(language, {
          ...base,
          how: how as RelationshipEnd,
          audience: audience as 'partner' | 'customer',
        });
        expect(email.subject).toBe(
          language === 'en'
            ? 'Admin access of Contoso Reseller to Woodgrove Bank ended'
            : 'Ha finalizado el acceso de administrador de Contoso Reseller a Woodgrove Bank',
        );
        expect(email.text).toMatch(who[language][how as RelationshipEnd]);
        for (const other of hows.filter((h) => h !== how))
          expect(email.text).not.toMatch(who[language][other]);
        expect(email.text).toContain(`${ended[language]}.`);
        expect(email.text).toContain(language === 'en' ? 'ended at once' : 'finalizó de inmediato');
        expect(email.html).toContain(`<html lang="${language}">`);
        expect(email.html).not.toMatch(/<script|<img|https?:/i);
      },
    );

    it('tells the partner a new request needs approval again, and not the customer', () => {
      const partner = relationshipEndedEmail(language, { ...base, how: 'EXPIRED', audience: 'partner' });
      const customer = relationshipEndedEmail(language, { ...base, how: 'EXPIRED', audience: 'customer' });
      const again =
        language === 'en'
          ? /send a new request: it needs the approval of a global admin of Woodgrove Bank again/
          : /envíe una nueva solicitud: necesita de nuevo la aprobación de un administrador global de Woodgrove Bank/;
      expect(partner.text).toMatch(again);
      expect(customer.text).not.toMatch(again);
      const admin =
        language === 'en'
          ? 'you are a global admin of Woodgrove Bank'
          : 'es administrador global de Woodgrove Bank';
      expect(customer.text).toContain(admin);
      expect(partner.text).not.toContain(admin);
    });

    it('is really in that language', () => {
      const other = language === 'en' ? 'es' : 'en';
      for (const how of hows) {
        const email = relationshipEndedEmail(language, { ...base, how, audience: 'customer' });
        for (const part of [email.subject, templateWords(email.text)]) {
          expect(part).toMatch(marks[language]);
          expect(part).not.toMatch(marks[other]);
        }
      }
    });

    it('escapes the partner name in HTML, not in text or subject', () => {
      const email = relationshipEndedEmail(language, {
        ...base,
        partnerName: evil,
        how: 'TERMINATED_BY_CUSTOMER',
        audience: 'partner',
      });
      expect(email.subject).toContain(evil);
      expect(email.text).toContain(evil);
      expect(email.html).not.toMatch(/<b>/);
      expect(email.html).toContain(evilEscaped);
    });
  });
});
