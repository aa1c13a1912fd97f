import { requireEnv } from '../config.ts';
import type { Clock } from '../domain/ports.ts';

/** The real clock; tests of domain rules inject their own. */
export const systemClock: Clock = { now: () => new Date() };

/** Where emailed links point (the API's public URL), read once at cold start. */
export const publicBaseUrl = requireEnv('PUBLIC_BASE_URL').replace(/\/$/, '');
