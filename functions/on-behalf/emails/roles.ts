import type { Language } from '../../platform/mail/locale.ts';
import { type DelegatedRole, durationDays } from '../domain/model.ts';

/** An auto-extending relationship extends by this many days at its end (API.md lifecycle). */
export const AUTO_EXTEND_DAYS = 180;

/** Each role as the customer reads it: its name and what it lets the partner do, "your" being the customer. */
const roles: Record<Language, Record<DelegatedRole, [name: string, what: string]>> = {
  en: {
    DIRECTORY_READER: ['Directory reader', 'read your users and their licenses'],
    USER_ADMINISTRATOR: ['User administrator', 'create, delete and restore your users (not global admins)'],
    LICENSE_ADMINISTRATOR: ['License administrator', "assign and remove your users' licenses"],
    SERVICE_SUPPORT_ADMINISTRATOR: [
      'Service support administrator',
      'open and manage service requests for you',
    ],
    GLOBAL_ADMINISTRATOR: ['Global administrator', 'everything above, including your global admins'],
  },
  es: {
    DIRECTORY_READER: ['Lector de directorio', 'leer sus usuarios y sus licencias'],
    USER_ADMINISTRATOR: [
      'Administrador de usuarios',
      'crear, eliminar y restaurar sus usuarios (no los administradores globales)',
    ],
    LICENSE_ADMINISTRATOR: ['Administrador de licencias', 'asignar y quitar las licencias de sus usuarios'],
    SERVICE_SUPPORT_ADMINISTRATOR: [
      'Administrador de soporte del servicio',
      'abrir y gestionar solicitudes de servicio en su nombre',
    ],
    GLOBAL_ADMINISTRATOR: [
      'Administrador global',
      'todo lo anterior, incluidos sus administradores globales',
    ],
  },
};

/** The role's name alone: "Directory reader" / "Lector de directorio". */
export const roleName = (role: DelegatedRole, language: Language): string => roles[language][role][0];

/** What the role lets the partner do: "read your users and their licenses". */
export const roleWhat = (role: DelegatedRole, language: Language): string => roles[language][role][1];

/** "Directory reader: read your users and their licenses" / "Lector de directorio: leer sus usuarios y sus licencias". */
export const roleInWords = (role: DelegatedRole, language: Language): string =>
  `${roleName(role, language)}: ${roleWhat(role, language)}`;

const units: Record<
  Language,
  { day: [string, string]; month: string; year: [string, string]; about: (n: number, unit: string) => string }
> = {
  en: {
    day: ['day', 'days'],
    month: 'months',
    year: ['year', 'years'],
    about: (n, unit) => `about ${n} ${unit}`,
  },
  es: {
    day: ['día', 'días'],
    month: 'meses',
    year: ['año', 'años'],
    about: (n, unit) => (n === 1 ? `aproximadamente ${n} ${unit}` : `unos ${n} ${unit}`),
  },
};

/**
 * A duration "P<n>D" in words: "1 day", "30 days", "90 days (about 3 months)" (from 60 days),
 * "730 days (about 2 years)" (from 365 days); Spanish "1 día", "730 días (unos 2 años)".
 * Anything else is shown as written.
 */
export function durationInWords(duration: string, language: Language): string {
  const days = durationDays(duration);
  if (!Number.isInteger(days)) return duration;
  const u = units[language];
  const base = `${days} ${u.day[days === 1 ? 0 : 1]}`;
  if (days >= 365) {
    const years = Math.round(days / 365);
    return `${base} (${u.about(years, u.year[years === 1 ? 0 : 1])})`;
  }
  if (days >= 60) return `${base} (${u.about(Math.round(days / 30), u.month)})`;
  return base;
}
