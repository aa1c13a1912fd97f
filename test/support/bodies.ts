/** Request bodies shared by the tests and the benchmark (no vitest imports here). */

/** The body of POST /enrollments for an organization on `account.domain` in Spain. */
export function enrollmentBody(
  account: { domain: string },
  mpnId: string,
  over: Record<string, unknown> = {},
) {
  return {
    mpnId,
    legalName: `Legal ${account.domain} S.L.`,
    address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
    primaryContact: {
      firstName: 'Paz',
      lastName: 'Contact',
      email: `paz@${account.domain}`,
      phone: '+34 910 000 000',
    },
    supportContact: {
      email: `support@${account.domain}`,
      phone: '+34 910 000 001',
      website: `https://${account.domain}`,
    },
    ...over,
  };
}
