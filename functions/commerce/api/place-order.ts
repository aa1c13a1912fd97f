import { loadPrincipal } from '../../identity/principal.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { placeOrder } from '../domain/orders.ts';
import type { SubscriptionTimer } from '../ports.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps, SUBSCRIPTION_TERMS } from '../wiring.ts';

export const handler = httpHandler(
  routes.placeOrder,
  async ({ principal, params, body }) => ({
    status: 201,
    body: await placeOrder(
      commerceDeps({ mailer: sesMailer, timers: schedulerTimers<SubscriptionTimer>(SUBSCRIPTION_TERMS) }),
      principal,
      params.customerId,
      body,
    ),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
