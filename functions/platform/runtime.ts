import { notWired, once, requireEnv } from './config.ts';
import { linkStore } from './links/store.ts';
import type { Clock, LinkStore, Mailer } from './ports.ts';

/** The real clock; tests of domain rules inject their own. */
export const systemClock: Clock = { now: () => new Date() };

/** Where emailed links point (the API's public URL), read on first use. */
export const publicBaseUrl = once(() => requireEnv('PUBLIC_BASE_URL').replace(/\/$/, ''));

/** What every context's deps hold besides their own stores. */
export interface PlatformDeps {
  links: LinkStore;
  mailer: Mailer;
  clock: Clock;
  readonly publicBaseUrl: string;
}

/**
 * A context's deps: its own ports plus the platform's (links, clock, the public URL read on first
 * use). The mailer is wired only where the handler passes one, so its bundle holds SES only then.
 */
export function withPlatform<T extends object>(own: T, mailer?: Mailer): T & PlatformDeps {
  // Descriptors, not a spread: getters (the public URL, a context's settings) stay getters, read on first use.
  return Object.defineProperties(
    { links: linkStore, mailer: mailer ?? notWired<Mailer>('mailer', 'mail'), clock: systemClock },
    { ...Object.getOwnPropertyDescriptors(own), publicBaseUrl: { get: publicBaseUrl, enumerable: true } },
  ) as T & PlatformDeps;
}
