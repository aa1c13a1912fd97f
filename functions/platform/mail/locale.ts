/** The languages enrollment emails are written in. */
export type Language = 'en' | 'es';

/** 'es', 'es-ES', 'es-419', 'ES-mx' → 'es'; anything else or undefined → 'en'. */
export function languageOf(locale: string | undefined): Language {
  const primary = locale?.trim().split(/[-_]/)[0]?.toLowerCase();
  return primary === 'es' ? 'es' : 'en';
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const dateFormats: Record<Language, Intl.DateTimeFormat> = {
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }),
  es: new Intl.DateTimeFormat('es-ES', { dateStyle: 'long', timeZone: 'UTC' }),
};

/** Formats a date for the language, in UTC, e.g. "24 November 2026" / "24 de noviembre de 2026". */
export function formatDate(date: Date, language: Language): string {
  return dateFormats[language].format(date);
}

/** ISO 3166-1 alpha-2 codes of the countries whose emails are written in Spanish. */
const spanishSpeaking = new Set([
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
]);

/** The language of emails about a customer, from its country code (any case): 'MX', 'es' → 'es'; 'US', '' → 'en'. */
export function languageOfCountry(country: string): Language {
  return spanishSpeaking.has(country.trim().toUpperCase()) ? 'es' : 'en';
}
