import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpWebhookSender } from '../../functions/activity/sender.ts';

/** The sender checks the address it connects to, after resolving the name (DNS rebinding). */
describe('the webhook sender', () => {
  let port = 0;
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += String(c);
    });
    req.on('end', () => {
      bodies.push(body);
      res
        .writeHead(
          req.url === '/moved' ? 302 : 204,
          req.url === '/moved' ? { location: 'http://127.0.0.1/' } : {},
        )
        .end();
    });
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a name that resolves to a loopback address, and an IP literal, before sending', async () => {
    const sender = httpWebhookSender({ allowLoopback: false });
    await expect(sender.post(`http://localhost:${port}/hook`, '{}', {})).rejects.toThrow(
      /not a public address/,
    );
    await expect(sender.post(`http://127.0.0.1:${port}/hook`, '{}', {})).rejects.toThrow(
      /not a public address/,
    );
    await expect(sender.post(`http://[::1]:${port}/hook`, '{}', {})).rejects.toThrow(/not a public address/);
    expect(bodies).toEqual([]);
  });

  it('posts the body and answers the status when loopback is allowed (the local runtime); a redirect is not followed', async () => {
    const sender = httpWebhookSender({ allowLoopback: true });
    await expect(
      sender.post(`http://127.0.0.1:${port}/hook`, '{"a":1}', { 'content-type': 'application/json' }),
    ).resolves.toBe(204);
    expect(bodies).toEqual(['{"a":1}']);
    await expect(sender.post(`http://127.0.0.1:${port}/moved`, '{}', {})).resolves.toBe(302);
    expect(bodies).toHaveLength(2);
  });
});
