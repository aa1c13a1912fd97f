import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The event as parsed from the body. */
  event: {
    id: string;
    type: string;
    occurredAt: string;
    organizationId: string;
    resource: { type: string; id: string };
  };
  at: number;
  /** The status this receiver answered. */
  status: number;
}

/**
 * A partner's endpoint on this machine (the local runtime allows http://127.0.0.1 receivers):
 * keeps every request and answers what `answer` says (200 by default).
 */
export async function startReceiver(answer: (r: Omit<Received, 'status'>) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const got = {
        headers: req.headers,
        body,
        event: JSON.parse(body) as Received['event'],
        at: Date.now(),
      };
      const status = answer(got);
      received.push({ ...got, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/csp`,
    received,
    /** The successfully answered deliveries. */
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The verification snippet of README.md §"Receiving webhooks", run as written: the tests verify
 * deliveries with the very code partners are told to copy.
 */
export async function readmeVerifier(): Promise<
  (secret: string, header: string, rawBody: string, toleranceSeconds?: number) => boolean
> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Receiving webhooks'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README.md has no js snippet under "## Receiving webhooks"');
  const dir = await mkdtemp(join(tmpdir(), 'readme-verifier-'));
  const file = join(dir, 'verify.mjs');
  await writeFile(file, code);
  const mod = (await import(pathToFileURL(file).href)) as { verifyWebhook?: unknown };
  if (typeof mod.verifyWebhook !== 'function') throw new Error('The README snippet exports no verifyWebhook');
  return mod.verifyWebhook as Awaited<ReturnType<typeof readmeVerifier>>;
}
