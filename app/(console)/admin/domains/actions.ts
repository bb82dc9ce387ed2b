'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { addDomain, deleteDomain, linkDomain, unlinkDomain, updateDomain, verifyDomain } from '@/lib/domains/manage';
import { addDomainSchema, updateDomainSchema } from '@/lib/domains/schema';
import { checkResultToWire } from '@/lib/domains/wire';

// Server actions of Admin → Domains: thin adapters over lib/domains, which checks that the
// caller is a super admin of the organization they are working in.

const idSchema = z.string().min(1).max(64);
const domainIdSchema = z.object({ domain_id: idSchema });
const linkSchema = z.object({ domain_id: idSchema, method_id: idSchema });

export const addDomainAction = consoleAction(addDomainSchema, async (input, call) => {
  const { domain } = await addDomain({ ...call, input });
  return { domainId: domain.id, domainName: domain.domainName };
});

export const updateDomainAction = consoleAction(
  updateDomainSchema.extend({ domain_id: idSchema }),
  async ({ domain_id, ...input }, call) => {
    await updateDomain({ ...call, domainId: domain_id, input });
  },
);

export const verifyDomainAction = consoleAction(domainIdSchema, async ({ domain_id }, call) => {
  const { domain, result } = await verifyDomain({ ...call, domainId: domain_id });
  return { state: domain.state, result: checkResultToWire(result) };
});

export const deleteDomainAction = consoleAction(domainIdSchema, async ({ domain_id }, call) => {
  await deleteDomain({ ...call, domainId: domain_id });
});

export const linkDomainAction = consoleAction(linkSchema, async ({ domain_id, method_id }, call) => {
  await linkDomain({ ...call, methodId: method_id, input: { domain_id } });
});

export const unlinkDomainAction = consoleAction(linkSchema, async ({ domain_id, method_id }, call) => {
  await unlinkDomain({ ...call, methodId: method_id, domainId: domain_id });
});
