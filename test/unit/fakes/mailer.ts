import type { Mailer, OutgoingEmail } from '../../../functions/platform/ports.ts';
import { copy } from './table.ts';

/** Records every email sent; can fail the next sends or hold them in flight. */
export class FakeMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];
  private readonly failures: Error[] = [];
  private gate: Promise<void> | undefined;

  /** The next send throws (an SES outage); call again for more. */
  failNext(error = new Error('SES is unavailable')): void {
    this.failures.push(error);
  }

  /** Holds every send until the returned function is called: an email in flight. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      this.gate = undefined;
      release();
    };
  }

  async send(email: OutgoingEmail): Promise<string> {
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(copy(email));
    return `message-${this.sent.length}`;
  }

  /** The emails sent to `address` (any case), oldest first. */
  to(address: string): OutgoingEmail[] {
    return this.sent.filter((email) => email.to.toLowerCase() === address.toLowerCase());
  }

  /** The first URL starting with `prefix` in the last email to `address`; throws when there is none. */
  linkTo(address: string, prefix: string): string {
    const text = this.to(address).at(-1)?.text ?? '';
    const found = text.split(/\s+/).find((word) => word.startsWith(prefix));
    if (!found) throw new Error(`No email to ${address} holds a link starting with ${prefix}`);
    return found;
  }
}

/** The `token` query parameter of an emailed link. */
export const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
