import type { Clock } from '../../../functions/platform/ports.ts';

/** A clock the test sets or moves by hand; nothing waits real time. */
export class FakeClock implements Clock {
  private ms: number;

  constructor(start: Date | string) {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  set(at: Date | string): void {
    this.ms = new Date(at).getTime();
  }

  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }

  /** Epoch seconds, as the stores keep expiries. */
  seconds(): number {
    return Math.floor(this.ms / 1000);
  }
}
