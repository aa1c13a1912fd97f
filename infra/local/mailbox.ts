/**
 * The local SES: aws-ses-v2-local (the SES API our client calls, a web inbox at `/`, `GET /store`
 * for tests) behind a thin front of ours that plays what SES does after a send:
 *
 * - The mailbox simulator: a `SendEmail` (API v1, what the functions call) with a configuration
 *   set to `bounce@simulator.amazonses.com` raises an "Email Bounced" event (Permanent, General),
 *   to `complaint@simulator.amazonses.com` an "Email Complaint Received" one (abuse), as the
 *   configuration set's EventBridge destination does on AWS; labels (`bounce+x@…`) work as there.
 *   A send without a configuration set has no event destination and raises nothing.
 * - `POST /events` with `{ "detail-type", "detail" }` raises any SES event (a transient bounce, a
 *   redelivery): tests run in other processes and reach the runtime over HTTP only. It answers
 *   once the consumers have had the event: `{ id, deliveries: [{ consumer, delivered, error? }] }`.
 *
 * Events are raised before the send is answered, so a test that waits for the pipeline to settle
 * after a route's answer waits for them too; the consumers then run as after any other event.
 */

import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { createRequire } from 'node:module';
import { readAll, withoutHopByHop } from './proxy.ts';

/** An SES event as SES hands it to EventBridge: the detail type and the detail (EventBridge wraps it). */
export interface SesEvent {
  detailType: string;
  detail: object;
}

/** Where SES events go (the local EventBridge's default bus), and what became of one once delivered. */
export type SesEventSink = (event: SesEvent) => { id: string; delivered: Promise<unknown> };

export interface LocalMailbox {
  url: string;
  stop(): Promise<void>;
}

type StartSes = (config: { host: string; port: number }) => Promise<Server>;

const SIMULATOR = /^(bounce|complaint)(\+[^@]*)?@simulator\.amazonses\.com$/i;

/**
 * The event SES's mailbox simulator raises for a message to `address`, if it raises one:
 * shaped as SES publishes it (the parts the platform reads and the ones that help a person).
 */
export function simulatorEvent(send: {
  address: string;
  messageId: string;
  source: string;
  destination: string[];
  configurationSet: string;
  /** The message's tags (`Tags.member.N` of the SendEmail call). */
  tags?: Record<string, string>;
  at: Date;
}): SesEvent | undefined {
  const kind = SIMULATOR.exec(send.address)?.[1]?.toLowerCase();
  if (!kind) return undefined;
  const timestamp = send.at.toISOString();
  const mail = {
    timestamp,
    source: send.source,
    messageId: send.messageId,
    destination: send.destination,
    tags: {
      'ses:configuration-set': [send.configurationSet],
      ...Object.fromEntries(Object.entries(send.tags ?? {}).map(([name, value]) => [name, [value]])),
    },
  };
  const feedbackId = `${randomUUID()}-000000`;
  if (kind === 'bounce')
    return {
      detailType: 'Email Bounced',
      detail: {
        eventType: 'Bounce',
        bounce: {
          bounceType: 'Permanent',
          bounceSubType: 'General',
          bouncedRecipients: [
            {
              emailAddress: send.address,
              action: 'failed',
              status: '5.1.1',
              diagnosticCode: 'smtp; 550 5.1.1 user unknown',
            },
          ],
          timestamp,
          feedbackId,
          reportingMTA: 'dsn; simulator.amazonses.com',
        },
        mail,
      },
    };
  return {
    detailType: 'Email Complaint Received',
    detail: {
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: send.address }],
        complaintFeedbackType: 'abuse',
        timestamp,
        feedbackId,
        arrivalDate: timestamp,
      },
      mail,
    },
  };
}

/** The events a `SendEmail` (its form body and SES's answer) raises. */
function eventsOfSend(form: URLSearchParams, answer: string, at: Date): SesEvent[] {
  const configurationSet = form.get('ConfigurationSetName');
  const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(answer)?.[1];
  if (form.get('Action') !== 'SendEmail' || !configurationSet || !messageId) return [];
  const destination = [...form]
    .filter(([name]) => /^Destination\.(To|Cc|Bcc)Addresses\.member\.\d+$/.test(name))
    .map(([, value]) => value);
  const source = form.get('Source') ?? '';
  const tags: Record<string, string> = {};
  for (const [name, value] of form) {
    const n = /^Tags\.member\.(\d+)\.Name$/.exec(name)?.[1];
    if (n) tags[value] = form.get(`Tags.member.${n}.Value`) ?? '';
  }
  return destination.flatMap((address) => {
    const event = simulatorEvent({ address, messageId, source, destination, configurationSet, tags, at });
    return event ? [event] : [];
  });
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

export async function startMailbox(opts: {
  port: number;
  host?: string;
  /** Where the simulator's and injected events go; without it, none is raised. */
  events?: SesEventSink;
}): Promise<LocalMailbox> {
  // The package is CommonJS with a default export.
  const mod = createRequire(import.meta.url)('aws-ses-v2-local') as { default?: StartSes } & StartSes;
  const start = mod.default ?? mod;
  const ses = await start({ host: '127.0.0.1', port: 0 });
  const sesAddress = ses.address();
  const sesPort = typeof sesAddress === 'object' && sesAddress ? sesAddress.port : 0;
  const agent = new Agent({ keepAlive: true });

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: sesPort,
          method: req.method,
          path: req.url,
          headers: {
            ...withoutHopByHop(req.headers),
            host: `127.0.0.1:${sesPort}`,
            'content-length': String(body.length),
          },
          agent,
        },
        (res) =>
          readAll(res).then(
            (answer) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: answer }),
            reject,
          ),
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  /** POST /events: raises the SES event given and answers once its consumers have had it. */
  const inject = async (body: Buffer) => {
    if (!opts.events) return { status: 501, body: { message: 'This mailbox raises no events' } };
    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch {
      event = undefined;
    }
    const { 'detail-type': detailType, detail } = (event ?? {}) as Record<string, unknown>;
    if (
      typeof detailType !== 'string' ||
      typeof detail !== 'object' ||
      detail === null ||
      Array.isArray(detail)
    )
      return { status: 400, body: { message: 'Expected { "detail-type": string, "detail": object }' } };
    const raised = opts.events({ detailType, detail });
    return { status: 200, body: { id: raised.id, deliveries: await raised.delivered } };
  };

  const front = createServer((req, res) => {
    (async () => {
      const body = await readAll(req);
      if (req.method === 'POST' && req.url === '/events') {
        const answer = await inject(body);
        const text = JSON.stringify(answer.body);
        res.writeHead(answer.status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        });
        res.end(text);
        return;
      }
      const answer = await forward(req, body);
      if (opts.events && req.method === 'POST' && req.url === '/' && answer.status === 200) {
        const form = new URLSearchParams(body.toString('utf8'));
        for (const event of eventsOfSend(form, answer.body.toString('utf8'), new Date())) {
          const { id, delivered } = opts.events(event);
          void delivered.then(undefined, (error: unknown) =>
            console.error(`[SES] event ${id}: ${error instanceof Error ? error.message : String(error)}`),
          );
        }
      }
      res.writeHead(answer.status, {
        ...withoutHopByHop(answer.headers),
        'content-length': String(answer.body.length),
      });
      res.end(answer.body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`Local SES: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  const host = opts.host ?? '127.0.0.1';
  let port: number;
  try {
    port = await listen(front, opts.port, host);
  } catch (error) {
    await close(ses);
    throw error;
  }
  return {
    url: `http://${host}:${port}`,
    async stop() {
      await close(front);
      await close(ses);
      agent.destroy();
    },
  };
}
