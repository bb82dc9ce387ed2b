import { HOTP, Secret, TOTP } from 'otpauth';

// An authenticator app for tests: codes from otpauth directly, not through our lib/two-factor/totp.ts,
// so the server's TOTP is checked against the library's. The server accepts each time step
// once, so this hands out a step it has not used yet: the current one, else the next (the
// server allows one step either side), else it waits for time to move on.
export class Authenticator {
  private lastStep = -Infinity;

  constructor(readonly secret: string) {}

  /** A code for a step later than any this authenticator gave out. */
  async nextCode(): Promise<string> {
    for (;;) {
      const current = TOTP.counter({ timestamp: Date.now() });
      const step = Math.max(current, this.lastStep + 1);
      if (step <= current + 1) {
        this.lastStep = step;
        return HOTP.generate({ secret: Secret.fromBase32(this.secret), counter: step });
      }
      await new Promise((resolve) => setTimeout(resolve, TOTP.remaining({ timestamp: Date.now() }) + 50));
    }
  }

  /** A well-formed code that is no code of the steps around now. */
  wrongCode(): string {
    const current = TOTP.counter({ timestamp: Date.now() });
    const valid = new Set([-2, -1, 0, 1, 2].map((d) => HOTP.generate({ secret: Secret.fromBase32(this.secret), counter: current + d })));
    return ['000000', '111111', '222222', '333333', '444444', '555555'].find((code) => !valid.has(code))!;
  }
}
