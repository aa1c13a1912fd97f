import { once, requireEnv } from './config.ts';
import type { Clock } from './ports.ts';

/** The real clock; tests of domain rules inject their own. */
export const systemClock: Clock = { now: () => new Date() };

/** Where emailed links point (the API's public URL), read on first use. */
export const publicBaseUrl = once(() => requireEnv('PUBLIC_BASE_URL').replace(/\/$/, ''));
