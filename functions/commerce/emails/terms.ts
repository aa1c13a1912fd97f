import type { Language } from '../../platform/mail/locale.ts';
import type { BillingCycle, TermDuration } from '../ports.ts';

const termWords: Record<Language, Record<TermDuration, string>> = {
  en: { P1M: '1 month', P1Y: '1 year', P3Y: '3 years' },
  es: { P1M: '1 mes', P1Y: '1 año', P3Y: '3 años' },
};

const billingWords: Record<Language, Record<BillingCycle, string>> = {
  en: { MONTHLY: 'Monthly', ANNUAL: 'Annual' },
  es: { MONTHLY: 'Mensual', ANNUAL: 'Anual' },
};

/** A term's length in words: 'P1Y' → "1 year" / "1 año". */
export const termInWords = (duration: TermDuration, language: Language) => termWords[language][duration];

/** A billing cycle as a table value: 'MONTHLY' → "Monthly" / "Mensual". */
export const billingInWords = (cycle: BillingCycle, language: Language) => billingWords[language][cycle];

/** A quantity of licenses: "1 license", "25 licenses" / "1 licencia", "25 licencias". */
export function licenses(quantity: number, language: Language): string {
  const one = quantity === 1;
  return language === 'es'
    ? `${quantity} ${one ? 'licencia' : 'licencias'}`
    : `${quantity} ${one ? 'license' : 'licenses'}`;
}
