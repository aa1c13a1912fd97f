import { identityStore } from '../identity/wiring.ts';
import { onBehalfDeps } from '../on-behalf/wiring.ts';
import type { Mailer } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import type { IncidentDeps } from './domain/incidents.ts';
import type { TicketDeps } from './domain/tickets.ts';
import { incidentStore, ticketStore } from './ticket-store.ts';

/** Service incidents' ports. */
export const incidentDeps = (): IncidentDeps => withPlatform({ incidents: incidentStore });

/**
 * The ticket area's ports: its store, on-behalf's admin grants and customer rows (service requests
 * are checked as every on-behalf call is), and the identity store (the contact an operator's note
 * is emailed to). The operator's note handler passes the mailer.
 */
export function ticketDeps(ports: { mailer?: Mailer } = {}): TicketDeps {
  const onBehalf = onBehalfDeps();
  return withPlatform(
    {
      tickets: ticketStore,
      adminRelationships: onBehalf.adminRelationships,
      customers: onBehalf.customers,
      organizations: identityStore,
      users: identityStore,
    },
    ports.mailer,
  );
}
