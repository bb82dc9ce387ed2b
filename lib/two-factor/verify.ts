import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { recoveryCodes, totpCredentials } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { hashRecoveryCode } from './recovery-codes';
import { matchTotpStep } from './totp';
import { recoveryCodesLeft } from './status';
import { codeKind } from './schema';
import { affectedRows, first } from '@/db/async';

export type VerifiedCode = { kind: 'totp'; step: number } | { kind: 'recovery'; recoveryCodesLeft: number };

/**
 * Checks a second-factor code of a user with a confirmed authenticator and spends it: a TOTP
 * code's time step, or a recovery code. Returns null for a wrong, replayed or used code, and
 * for a user without a confirmed authenticator. `code` is normalized (authenticationCodeSchema).
 *
 * Spending is a conditional UPDATE, so of two requests racing with the same code (even in two
 * processes) exactly one wins.
 */
export async function verifySecondFactor({ ctx, userId, code }: { ctx: Ctx; userId: string; code: string }): Promise<VerifiedCode | null> {
  const credential = await first(
    ctx.db
      .select()
      .from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedTime)))
      .limit(1),
  );
  if (!credential) return null;

  switch (codeKind(code)) {
    case 'totp': {
      const step = matchTotpStep({ secret: credential.secret, code, now: ctx.now, lastUsedStep: credential.lastUsedStep });
      if (step === null) return null;
      const spent = await ctx.db
        .update(totpCredentials)
        .set({ lastUsedStep: step })
        .where(
          and(
            eq(totpCredentials.userId, userId),
            or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
          ),
        );
      return affectedRows(spent) === 1 ? { kind: 'totp', step } : null;
    }
    case 'recovery': {
      const spent = await ctx.db
        .update(recoveryCodes)
        .set({ usedTime: iso(ctx.now) })
        .where(
          and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashRecoveryCode(code)), isNull(recoveryCodes.usedTime)),
        );
      if (affectedRows(spent) === 0) return null;
      return { kind: 'recovery', recoveryCodesLeft: await recoveryCodesLeft(ctx, userId) };
    }
    default:
      return null;
  }
}
