import { describe, expect, it } from 'vitest';
import { externalIdentities } from '@/db/tables';
import { iso } from '@/lib/context';
import { newRowId } from '@/lib/ids';
import { seedUser, testCtx } from '@/lib/testing/seed';
import type { Ctx } from '@/lib/context';
import { userAuthMethods } from './me';

function link(ctx: Ctx, userId: string, provider: string, subject: string) {
  return ctx.db.insert(externalIdentities).values({ id: newRowId(), userId, provider, subject, createTime: iso(ctx.now) });
}

describe('userAuthMethods (GET /v1/me `auth`)', () => {
  it('is empty for a user with no password and no linked account (an application user)', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    expect(await userAuthMethods(ctx, user.id)).toEqual([]);
  });

  it('names the password alone', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' });
    expect(await userAuthMethods(ctx, user.id)).toEqual(['password']);
  });

  it('lists the password first, then each provider once, every SAML provider as "saml"; another user\'s do not count', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' });
    const other = await seedUser(ctx, { passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' });
    await link(ctx, user.id, 'google', 'g-1');
    await link(ctx, user.id, 'saml:am1', 's-1');
    await link(ctx, user.id, 'saml:am2', 's-2');
    await link(ctx, user.id, 'github', 'h-1');
    await link(ctx, other.id, 'microsoft', 'm-1');
    const methods = await userAuthMethods(ctx, user.id);
    expect(methods[0]).toBe('password');
    expect([...methods].sort()).toEqual(['github', 'google', 'password', 'saml']);
  });

  it('providers without a password', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    await link(ctx, user.id, 'saml:am1', 's-1');
    expect(await userAuthMethods(ctx, user.id)).toEqual(['saml']);
  });
});
