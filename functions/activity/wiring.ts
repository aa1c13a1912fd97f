import { withPlatform } from '../platform/runtime.ts';
import type { ActivityDeps } from './domain/activity.ts';
import { activityStore } from './store.ts';

/** The activity domain's ports: the log's reader (every context's store writes it). */
export const activityDeps = (): ActivityDeps => withPlatform({ activities: activityStore });
