import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * What the local fronts that forward requests to a stand-in (the DynamoDB meter, the SES
 * mailbox) share: bodies are read whole and forwarded with their length, so framing headers are
 * not passed on.
 */
export function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const {
    connection: _c,
    'keep-alive': _k,
    'transfer-encoding': _t,
    'content-length': _l,
    ...rest
  } = headers;
  return rest;
}

export async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
