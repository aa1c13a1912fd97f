import { loadPrincipal } from '../../identity/principal.ts';
import { kmsSecretBox } from '../../platform/crypto/kms-seal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { createWebhook } from '../domain/webhooks.ts';
import { activityRoutes as routes } from '../routes.ts';
import { webhookDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.createWebhook,
  async ({ principal, body }) => ({
    status: 201,
    body: await createWebhook(webhookDeps({ secrets: kmsSecretBox }), principal, body),
  }),
  { loadPrincipal },
);
