import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { addressProblem } from './domain/webhooks.ts';
import type { WebhookSender } from './ports.ts';

/** A delivery gets this long for the whole exchange (connect, send, answer). */
export const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * Resolves as Node would, then refuses any address that is not public: the socket connects
 * to the very address checked here, so there is no window between check and use.
 */
const checkedLookup =
  (allowLoopback: boolean): LookupFunction =>
  (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((a) => addressProblem(a.address, allowLoopback)).find(Boolean);
      if (refused || addresses.length === 0)
        return callback(
          Object.assign(new Error(`The webhook host ${hostname} ${refused ?? 'has no address'}`), {
            code: 'EADDRNOTPUBLIC',
          }),
          '',
          0,
        );
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };

/**
 * The WebhookSender over node:http(s): a POST, no redirect followed (a 3xx is a failed
 * attempt: a redirect could lead anywhere), the answer's body read and dropped. An IP literal
 * in the URL is checked as well (the lookup is skipped for it by Node).
 */
export const httpWebhookSender = (opts: { allowLoopback: boolean }): WebhookSender => ({
  post(url, body, headers) {
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    const literalProblem = /^[\d.]+$|:/.test(literal)
      ? addressProblem(literal, opts.allowLoopback)
      : undefined;
    if (literalProblem) return Promise.reject(new Error(`The webhook URL ${literalProblem}`));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const req = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          lookup: checkedLookup(opts.allowLoopback),
          timeout: DELIVERY_TIMEOUT_MS,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`No answer within ${DELIVERY_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  },
});
