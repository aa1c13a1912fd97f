/** Epoch seconds of a time (a Date or an ISO string), as expiries and TTLs are kept. */
export const epochSeconds = (at: Date | string): number => Math.floor(new Date(at).getTime() / 1000);
