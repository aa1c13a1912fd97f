/**
 * Web-based mail services whose addresses and domains cannot enroll or own a work
 * account (Gmail, Yahoo! Mail, iCloud Mail, AOL Mail, Outlook.com and their aliases).
 * Families with country variants match `<name>.<tld>`, `<name>.co.<cc>`, `<name>.com.<cc>`.
 */
const EXACT = new Set([
  'gmail.com',
  'googlemail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'msn.com',
  'passport.com',
  'windowslive.com',
  'ymail.com',
  'rocketmail.com',
  'aim.com',
  'aol.com',
]);
const FAMILIES = /^(yahoo|hotmail|outlook|live|aol|googlemail)\.((com|co)\.)?[a-z]{2,3}$/;

/** True when the domain (or a parent of it) belongs to a web-based mail service. Case-insensitive. */
export function isWebmailDomain(domain: string): boolean {
  const labels = domain.trim().toLowerCase().replace(/\.$/, '').split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join('.');
    if (EXACT.has(candidate) || FAMILIES.test(candidate)) return true;
  }
  return false;
}

export const domainOfEmail = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

export const isWebmailAddress = (email: string) => isWebmailDomain(domainOfEmail(email));

/** An address belongs to an organization's domain when it is on that domain or a subdomain of it. */
export function emailOnDomain(email: string, domain: string): boolean {
  const emailDomain = domainOfEmail(email);
  const d = domain.toLowerCase();
  return emailDomain === d || emailDomain.endsWith(`.${d}`);
}
