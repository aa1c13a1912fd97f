import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** An error of the service's API: the SDK throws the exception class named by `type` (a 400). */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AwsJsonServerOptions {
  /** For messages: `stepfunctions`, `secretsmanager`. */
  name: string;
  /** `X-Amz-Target: <prefix><Action>`, e.g. `AWSStepFunctions.`. */
  targetPrefix: string;
  /** The protocol's content type: awsJson1_0 or awsJson1_1. */
  contentType: 'application/x-amz-json-1.0' | 'application/x-amz-json-1.1';
  maxRequestBytes: number;
  port?: number;
  host?: string;
  /** Answers one action; throw AwsJsonError for the caller's mistakes. */
  dispatch(action: string, body: Record<string, unknown>): unknown;
}

export interface AwsJsonServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The HTTP side of a local stand-in for an AWS service spoken in awsJson (Step Functions,
 * Secrets Manager): `POST /` with `X-Amz-Target`, a JSON object in and out, errors as
 * `{ __type, message }`, so the real SDK clients talk to it unchanged.
 */
export async function serveAwsJson(opts: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': opts.contentType,
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    response.end(text);
  };

  const readBody = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > opts.maxRequestBytes)
        throw new AwsJsonError('ValidationException', 'Request body is too large');
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = request.headers['x-amz-target'];
    const action =
      typeof target === 'string' && target.startsWith(opts.targetPrefix)
        ? target.slice(opts.targetPrefix.length)
        : '';
    try {
      if (request.method !== 'POST' || action === '') {
        throw new AwsJsonError(
          'UnknownOperationException',
          `Expected POST with X-Amz-Target: ${opts.targetPrefix}<Action>`,
        );
      }
      const text = await readBody(request);
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new AwsJsonError('SerializationException', 'Request body is not valid JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new AwsJsonError('SerializationException', 'Request body must be a JSON object');
      }
      send(response, 200, await opts.dispatch(action, body as Record<string, unknown>));
    } catch (error) {
      if (error instanceof AwsJsonError) {
        send(response, 400, { __type: error.type, message: error.message });
        return;
      }
      // Our own bug, not the caller's: say so on stderr (messages never hold tokens or secrets).
      console.error(
        `[${opts.name}] ${action || 'request'} failed:`,
        error instanceof Error ? error.message : error,
      );
      send(response, 500, { __type: 'InternalFailure', message: `Internal error in the local ${opts.name}` });
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error(`The ${opts.name} server has no TCP address`);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    // Closing twice is closing once.
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
