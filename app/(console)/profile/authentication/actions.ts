'use server';

import QRCode from 'qrcode';
import { consoleAction } from '@/app/_lib/action';
import { beginTotpEnrollment, confirmTotpEnrollment, disableTwoFactor } from '@/lib/auth/two-factor-enroll';
import { beginTotpSchema, confirmTotpSchema, disableTwoFactorSchema } from '@/lib/auth/two-factor-schema';
import { liveCtx } from '@/lib/context';

// Two-factor authentication is the user's own: every organization of the user governs these
// actions. Setting it up is what a session held back by a 2FA policy is allowed to do.
const enrollment = { ownResources: true, duringTwoFactorEnrollment: true };

export const beginTotpAction = consoleAction(
  beginTotpSchema,
  async (_input, { principal }) => {
    const { secret, uri } = beginTotpEnrollment({ ctx: liveCtx(), principal });
    // Drawn here, not in the browser, so that the secret needs no third-party script there.
    const qrCode = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 192 });
    return { secret, qrCode };
  },
  enrollment,
);

export const confirmTotpAction = consoleAction(
  confirmTotpSchema,
  async (input, { principal, meta }) => confirmTotpEnrollment({ ctx: liveCtx(), principal, meta, input }),
  enrollment,
);

export const disableTwoFactorAction = consoleAction(
  disableTwoFactorSchema,
  async (input, { principal, meta }) => disableTwoFactor({ ctx: liveCtx(), principal, meta, input }),
  { ownResources: true },
);
