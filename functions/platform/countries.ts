const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
// Codes ICU knows that are not ISO 3166-1 alpha-2 countries.
const NOT_COUNTRIES = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'UK']);

/** ISO 3166-1 alpha-2, upper case (e.g. "ES", "US"). */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && regionNames.of(code) !== undefined;
}
