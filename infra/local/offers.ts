import type { OfferRecord } from '../../functions/commerce/ports.ts';

/**
 * The catalog the local runtime starts with (API.md: at least four offers, one `adminAgentOnly`,
 * one with `maxQuantity` ≤ 300, one not sold in `US`). On AWS operators fill it with
 * `PUT /operator/offers/{offerId}`.
 */
export const SAMPLE_OFFERS: ReadonlyArray<Omit<OfferRecord, 'updatedAt'>> = [
  {
    offerId: 'm365-business-basic',
    name: 'Microsoft 365 Business Basic',
    description: 'Web and mobile Office apps, Teams, 1 TB of storage and business email.',
    unitType: 'LICENSE',
    minQuantity: 1,
    maxQuantity: 300,
    termDurations: ['P1M', 'P1Y'],
    billingCycles: ['MONTHLY', 'ANNUAL'],
    countries: ['DE', 'ES', 'FR', 'GB', 'US'],
    adminAgentOnly: true,
    available: true,
  },
  {
    offerId: 'm365-e3',
    name: 'Microsoft 365 E3',
    description: 'Office apps, Windows Enterprise, device management and advanced security.',
    unitType: 'LICENSE',
    minQuantity: 1,
    maxQuantity: 10_000,
    termDurations: ['P1M', 'P1Y', 'P3Y'],
    billingCycles: ['MONTHLY', 'ANNUAL'],
    countries: ['DE', 'ES', 'FR', 'GB', 'US'],
    adminAgentOnly: false,
    available: true,
  },
  {
    offerId: 'dynamics-365-sales',
    name: 'Dynamics 365 Sales Professional',
    description: 'Sales force automation: leads, opportunities and forecasts.',
    unitType: 'LICENSE',
    minQuantity: 5,
    maxQuantity: 5_000,
    termDurations: ['P1Y', 'P3Y'],
    billingCycles: ['ANNUAL'],
    countries: ['DE', 'ES', 'FR', 'GB'],
    adminAgentOnly: false,
    available: true,
  },
  {
    offerId: 'visio-plan-2',
    name: 'Visio Plan 2',
    description: 'Diagramming with the desktop app; no longer sold.',
    unitType: 'LICENSE',
    minQuantity: 1,
    maxQuantity: 1_000,
    termDurations: ['P1M', 'P1Y'],
    billingCycles: ['MONTHLY'],
    countries: ['ES', 'US'],
    adminAgentOnly: false,
    available: false,
  },
];
