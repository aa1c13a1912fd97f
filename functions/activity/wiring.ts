import { notWired } from '../platform/config.ts';
import type { EventBus, SecretBox, SecretOpener } from '../platform/ports.ts';
import { systemClock, withPlatform } from '../platform/runtime.ts';
import type { ActivityDeps } from './domain/activity.ts';
import type { DeliveryDeps } from './domain/deliveries.ts';
import type { PublishDeps } from './domain/events.ts';
import type { WebhookDeps } from './domain/webhooks.ts';
import { httpWebhookSender } from './sender.ts';
import { activityStore, deliveryStore, webhookStore } from './store.ts';

/**
 * `http://127.0.0.1` receivers: set to 1 by the local runtime only (API.md), never by CDK; read
 * on first use like every setting.
 */
const allowLoopback = () => process.env.WEBHOOKS_ALLOW_LOOPBACK === '1';

/** The activity domain's ports: the log's reader (every context's store writes it). */
export const activityDeps = (): ActivityDeps => withPlatform({ activities: activityStore });

/** The webhook ports; the create passes the secret box (the `webhookKey` resource), the test the bus. */
export const webhookDeps = (ports: { secrets?: SecretBox; bus?: EventBus } = {}) =>
  withPlatform({
    webhooks: webhookStore,
    deliveries: deliveryStore,
    secrets: ports.secrets ?? notWired<SecretBox>('secrets', 'webhookKey'),
    bus: ports.bus ?? notWired<EventBus>('bus', 'eventBus'),
    get allowLoopback() {
      return allowLoopback();
    },
  }) satisfies WebhookDeps;

/** The stream step's ports: webhooks, their queues, the bus. */
export const publishDeps = (bus: EventBus): PublishDeps => ({
  webhooks: webhookStore,
  deliveries: deliveryStore,
  bus,
});

/** The delivery step's ports: the opener of sealed secrets (the `webhookSecrets` resource) and the HTTP sender. */
export const deliveryDeps = (secrets: SecretOpener): DeliveryDeps => ({
  webhooks: webhookStore,
  deliveries: deliveryStore,
  secrets,
  sender: httpWebhookSender({ allowLoopback: allowLoopback() }),
  clock: systemClock,
});
