import { createHmac } from 'node:crypto';
import type { LinkTokens } from '../../../functions/platform/ports.ts';

/** HMAC-SHA256 under a test secret, as the link-secret adapter computes it under the real one. */
export class FakeLinkTokens implements LinkTokens {
  constructor(private readonly secret = 'unit-test-link-secret-0123456789abcdef') {}

  async derive(label: string, parts: readonly string[]): Promise<Uint8Array> {
    const inputs = [label, ...parts];
    if (inputs.some((part) => part.includes('\n')))
      throw new Error('Link derivation inputs must not contain newlines');
    return createHmac('sha256', this.secret).update(inputs.join('\n'), 'utf8').digest();
  }
}
