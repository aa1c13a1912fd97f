import { notWired } from '../platform/config.ts';
import type { SecretBox } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import type { ActivityDeps } from './domain/activity.ts';
import type { WebhookDeps } from './domain/webhooks.ts';
import { activityStore, webhookStore } from './store.ts';

/** The activity domain's ports: the log's reader (every context's store writes it). */
export const activityDeps = (): ActivityDeps => withPlatform({ activities: activityStore });

/** The webhook ports; the create passes the secret box (the `webhookKey` resource). */
export const webhookDeps = (ports: { secrets?: SecretBox } = {}): WebhookDeps =>
  withPlatform({
    webhooks: webhookStore,
    secrets: ports.secrets ?? notWired<SecretBox>('secrets', 'webhookKey'),
  });
