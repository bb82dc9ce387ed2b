'use server';

import { consoleAction } from '@/app/_lib/action';
import { configuredOAuthProviders } from '@/lib/sign-in/oauth-config';
import { previewImpact } from '@/lib/policy/impact';
import { policyToWire } from '@/lib/policy/policy';
import { policyPatchSchema } from '@/lib/policy/schema';
import { proposePolicy, updatePolicy } from '@/lib/policy/update';

/** What saving would do: the impact on members and tokens, and a lockout if there is one. */
export const previewPolicyAction = consoleAction(policyPatchSchema, async (input, call) => {
  const { before, after, lockout } = proposePolicy({ ...call, input });
  // A linked Google (Microsoft, GitHub) account is a way in only on a server that offers it.
  const impact = await previewImpact(call.ctx, call.membership!.organization, before, after, { oauthProviders: configuredOAuthProviders(process.env) });
  return { lockout, impact };
});

export const savePolicyAction = consoleAction(policyPatchSchema, async (input, call) =>
  policyToWire(await updatePolicy({ ...call, input })),
);
