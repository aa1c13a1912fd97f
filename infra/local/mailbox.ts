import type { Server } from 'node:http';
import { createRequire } from 'node:module';

export interface LocalMailbox {
  url: string;
  stop(): Promise<void>;
}

type StartSes = (config: { host: string; port: number }) => Promise<Server>;

/** aws-ses-v2-local: the SES API (v1 SendEmail) for our SES client, a web inbox at `/` and `GET /store`. */
export async function startMailbox(opts: { port: number; host?: string }): Promise<LocalMailbox> {
  // The package is CommonJS with a default export.
  const mod = createRequire(import.meta.url)('aws-ses-v2-local') as { default?: StartSes } & StartSes;
  const start = mod.default ?? mod;
  const host = opts.host ?? '127.0.0.1';
  const server = await start({ host, port: opts.port });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
