import { describe, expect, it } from 'vitest';
import {
  generateTemporaryPassword,
  matchesVerifier,
  passwordProblems,
  temporaryPasswordVerifier,
} from '../../functions/identity/domain/passwords.ts';
import { isCountryCode } from '../../functions/platform/countries.ts';
import {
  assertLinkUsable,
  hashLinkToken,
  newLinkToken,
  VERIFICATION_LINK_TTL_SECONDS,
} from '../../functions/platform/links/links.ts';
import { hasPermission, hasSomeRole } from '../../functions/platform/roles.ts';
import { emailOnDomain, isWebmailAddress, isWebmailDomain } from '../../functions/platform/webmail.ts';

describe('web-based mail providers', () => {
  it.each([
    'gmail.com',
    'googlemail.com',
    'GMAIL.COM',
    'yahoo.com',
    'yahoo.co.uk',
    'yahoo.com.br',
    'yahoo.fr',
    'ymail.com',
    'rocketmail.com',
    'icloud.com',
    'me.com',
    'mac.com',
    'aol.com',
    'aol.de',
    'aim.com',
    'outlook.com',
    'outlook.es',
    'hotmail.com',
    'hotmail.co.uk',
    'Hotmail.Fr',
    'live.com',
    'live.co.uk',
    'msn.com',
    'windowslive.com',
    'mail.yahoo.co.jp',
  ])('refuses %s', (domain) => {
    expect(isWebmailDomain(domain)).toBe(true);
  });

  it.each([
    'contoso.com',
    'fabrikam.es',
    'me.co.uk',
    'outlook-consulting.com',
    'liveware.io',
    'gmail.contoso.com.example',
    'macintosh.com',
  ])('accepts the business domain %s', (domain) => {
    expect(isWebmailDomain(domain)).toBe(false);
  });

  it('judges addresses by their domain, case-insensitively', () => {
    expect(isWebmailAddress('Someone@GMail.com')).toBe(true);
    expect(isWebmailAddress('someone@contoso.com')).toBe(false);
  });

  it('puts an address on its organization’s domain or a subdomain of it', () => {
    expect(emailOnDomain('ana@contoso.com', 'contoso.com')).toBe(true);
    expect(emailOnDomain('ana@EU.Contoso.com', 'contoso.com')).toBe(true);
    expect(emailOnDomain('ana@notcontoso.com', 'contoso.com')).toBe(false);
    expect(emailOnDomain('ana@contoso.com.evil.example', 'contoso.com')).toBe(false);
  });
});

describe('passwords', () => {
  it('names each rule a password breaks', () => {
    expect(passwordProblems('short')).toHaveLength(3);
    expect(passwordProblems('alllowercase1234')).toEqual(['must contain an upper-case letter']);
    expect(passwordProblems('Str0ng-Passw0rd')).toEqual([]);
  });

  it('generates temporary passwords that meet the policy and differ', () => {
    const passwords = Array.from({ length: 200 }, generateTemporaryPassword);
    for (const p of passwords) expect(passwordProblems(p)).toEqual([]);
    expect(new Set(passwords).size).toBe(200);
  });

  it('keeps a one-way verifier of a temporary password', () => {
    const password = generateTemporaryPassword();
    const verifier = temporaryPasswordVerifier(password);
    expect(verifier).not.toContain(password);
    expect(matchesVerifier(password, verifier)).toBe(true);
    expect(matchesVerifier(`${password}x`, verifier)).toBe(false);
    expect(matchesVerifier(password, 'plain:abc')).toBe(false);
  });
});

describe('link tokens', () => {
  it('are 256 random bits, base64url, and stored only as their SHA-256', () => {
    const token = newLinkToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hashLinkToken(token)).not.toBe(token);
    expect(hashLinkToken(token)).toBe(hashLinkToken(token));
    expect(newLinkToken()).not.toBe(token);
  });

  it('expire on read with an injected clock, and are single use', () => {
    const issued = new Date('2026-11-01T00:00:00Z');
    const link = { expiresAt: issued.getTime() / 1000 + VERIFICATION_LINK_TTL_SECONDS };
    expect(() => assertLinkUsable(link, new Date('2026-11-07T23:59:59Z'))).not.toThrow();
    expect(() => assertLinkUsable(link, new Date('2026-11-08T00:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'LINK_EXPIRED' }),
    );
    expect(() => assertLinkUsable({ ...link, usedAt: 'x' }, issued)).toThrow(
      expect.objectContaining({ code: 'LINK_USED' }),
    );
    expect(() => assertLinkUsable({ ...link, supersededAt: 'x' }, issued)).toThrow(
      expect.objectContaining({ code: 'LINK_INVALID' }),
    );
    expect(() => assertLinkUsable(undefined, issued)).toThrow(
      expect.objectContaining({ code: 'LINK_INVALID' }),
    );
  });
});

describe('roles and countries', () => {
  it('grants the union of both roles’ rows', () => {
    expect(
      hasPermission({ agentRole: 'HELPDESK_AGENT', adminRole: 'USER_MANAGEMENT_ADMIN' }, 'users:manage'),
    ).toBe(true);
    expect(
      hasPermission({ agentRole: 'HELPDESK_AGENT', adminRole: 'USER_MANAGEMENT_ADMIN' }, 'customers:read'),
    ).toBe(true);
    expect(hasPermission({ agentRole: 'HELPDESK_AGENT', adminRole: 'NONE' }, 'orders:submit')).toBe(false);
    expect(
      hasPermission({ agentRole: 'NONE', adminRole: 'USER_MANAGEMENT_ADMIN' }, 'partnerProfile:update'),
    ).toBe(false);
    expect(hasSomeRole({ agentRole: 'NONE', adminRole: 'NONE' })).toBe(false);
  });

  it('knows ISO 3166-1 alpha-2 codes', () => {
    expect(['ES', 'US', 'DE', 'GB', 'JP'].every(isCountryCode)).toBe(true);
    expect(['XX', 'UK', 'EU', 'es', 'ESP', ''].some(isCountryCode)).toBe(false);
  });
});
