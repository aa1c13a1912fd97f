import { route } from '../platform/route-spec.ts';
import { ListQuery, listOf } from '../platform/schemas.ts';
import {
  Activity,
  ActivityQuery,
  Delivery,
  TestEventSent,
  Webhook,
  WebhookBody,
  WebhookCreated,
  WebhookIdParams,
} from './schemas.ts';

/** Activity log and webhooks: this context's entries of the route table (functions/routes.ts). */
export const activityRoutes = {
  listActivity: route({
    method: 'GET',
    path: '/activity',
    handler: 'activity/api/list-activity',
    auth: 'signed-in',
    permission: 'activity:read',
    summary:
      "The organization's activity log, newest first, 90 days back at most; direction=inbound: what partners did in it",
    request: { query: ActivityQuery },
    response: { status: 200, schema: listOf(Activity) },
    uses: ['table'],
  }),
  createWebhook: route({
    method: 'POST',
    path: '/webhooks',
    handler: 'activity/api/create-webhook',
    auth: 'signed-in',
    permission: 'webhooks:manage',
    summary: 'Register an https endpoint for events; the signing secret is shown in this answer only',
    request: { body: WebhookBody },
    response: { status: 201, schema: WebhookCreated },
    uses: ['table', 'webhookKey'],
  }),
  listWebhooks: route({
    method: 'GET',
    path: '/webhooks',
    handler: 'activity/api/list-webhooks',
    auth: 'signed-in',
    permission: 'webhooks:manage',
    summary: "The organization's webhooks (never their secrets)",
    request: { query: ListQuery },
    response: { status: 200, schema: listOf(Webhook) },
    uses: ['table'],
  }),
  deleteWebhook: route({
    method: 'DELETE',
    path: '/webhooks/{id}',
    handler: 'activity/api/delete-webhook',
    auth: 'signed-in',
    permission: 'webhooks:manage',
    summary: 'Remove a webhook; nothing more is delivered to it',
    request: { params: WebhookIdParams },
    response: { status: 204 },
    uses: ['table'],
  }),
  testWebhook: route({
    method: 'POST',
    path: '/webhooks/{id}/test',
    handler: 'activity/api/test-webhook',
    auth: 'signed-in',
    permission: 'webhooks:manage',
    summary:
      'Send a signed `webhook.test` event to this webhook (whatever its filters), through the same queue',
    request: { params: WebhookIdParams },
    response: { status: 202, schema: TestEventSent },
    uses: ['table', 'eventBus'],
  }),
  listDeliveries: route({
    method: 'GET',
    path: '/webhooks/{id}/deliveries',
    handler: 'activity/api/list-deliveries',
    auth: 'signed-in',
    permission: 'webhooks:manage',
    summary: "The webhook's delivery attempts, newest event first (PENDING: when the next one is due)",
    request: { params: WebhookIdParams, query: ListQuery },
    response: { status: 200, schema: listOf(Delivery) },
    uses: ['table'],
  }),
} as const;
