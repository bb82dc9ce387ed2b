'use server';

import { headers } from 'next/headers';
import { publicAction } from '@/app/_lib/action';
import { liveCtx } from '@/lib/context';
import { requestMeta } from '@/lib/api/handler';
import { completeSetup } from '@/lib/setup/first-run';
import { setupSchema } from '@/lib/setup/schema';

export const completeSetupAction = publicAction(setupSchema, async (input) => {
  const { organization } = await completeSetup({ ctx: liveCtx(), input, meta: requestMeta(await headers()) });
  return { organizationName: organization.name };
});
