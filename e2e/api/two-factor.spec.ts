import { auth, expect, login, test } from '../support/fixtures';
import { Authenticator } from '../support/authenticator';
import { servers } from '../support/env';
import { auditOf, seedColleague, seedPersonalToken, seedTotp, setTwoFactorRequired, totpCredentialOf } from '../support/seed';

// `avn user login` against an account with two-factor authentication (observed, see
// shared/reference/aiven-api.md): it POSTs /v1/userauth with email and password; on HTTP 510
// it reads a code and repeats the POST with "otp"; any other non-2xx fails the command.

/** The body exactly as avn's json.dumps writes it: ", " and ": " separators, keys in this order. */
function avnBody(fields: Record<string, string>): Buffer {
  return Buffer.from(`{${Object.entries(fields).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`);
}
const avnHeaders = { 'content-type': 'application/json', 'user-agent': 'aiven-client/4.16.0' };

const OTP_REQUIRED_BODY =
  '{"message":"Two-factor authentication code required",' +
  '"errors":[{"error_code":"otp_required","message":"Two-factor authentication code required","status":510}]}';
const WRONG_CODE_BODY =
  '{"message":"Wrong authentication code","errors":[{"error_code":"unauthorized","message":"Wrong authentication code","status":401}]}';

test.describe('POST /v1/userauth with two-factor authentication', () => {
  test('the avn flow: 510 without a code, 200 with it, 401 when the code is replayed', async ({ request, member }) => {
    const { secret } = await seedTotp(servers.main.database, member.userId);
    const authenticator = new Authenticator(secret);
    const credentials = { email: member.email, password: member.password };

    const first = await request.post('/v1/userauth', { data: avnBody(credentials), headers: avnHeaders });
    expect(first.status()).toBe(510);
    expect(first.headers()['content-type']).toContain('application/json');
    expect(await first.text()).toBe(OTP_REQUIRED_BODY);

    const otp = await authenticator.nextCode();
    const second = await request.post('/v1/userauth', { data: avnBody({ ...credentials, otp }), headers: avnHeaders });
    expect(second.status()).toBe(200);
    const body = await second.json();
    expect(body).toEqual({ token: expect.stringMatching(/^pcls_[A-Za-z0-9_-]{40,}$/), state: 'active', user_email: member.email });
    // What avn calls next with the new token.
    const projects = await request.get('/v1/project', { headers: auth(body.token) });
    expect(projects.status()).toBe(200);
    expect(await projects.text()).toBe('{"projects":[]}');

    const replay = await request.post('/v1/userauth', { data: avnBody({ ...credentials, otp }), headers: avnHeaders });
    expect(replay.status()).toBe(401);
    expect(await replay.text()).toBe(WRONG_CODE_BODY);
    expect(await auditOf(servers.main.database, { event: 'two_factor.code_failed', actorEmail: member.email })).toHaveLength(1);
    expect(await auditOf(servers.main.database, { event: 'auth.sign_in', actorEmail: member.email })).toMatchObject([
      { details: { method: 'password', second_factor: 'totp' } },
    ]);
    expect((await totpCredentialOf(servers.main.database, member.userId))!.lastUsedStep).toEqual(expect.any(Number));
  });

  test('wrong codes are 401, audited, and count toward the sign-in limit', async ({ request, member }) => {
    const { secret } = await seedTotp(servers.main.database, member.userId);
    const authenticator = new Authenticator(secret);
    for (let i = 0; i < 5; i++) {
      const wrong = await request.post('/v1/userauth', { data: { email: member.email, password: member.password, otp: authenticator.wrongCode() } });
      expect(wrong.status()).toBe(401);
    }
    const locked = await request.post('/v1/userauth', {
      data: { email: member.email, password: member.password, otp: await authenticator.nextCode() },
    });
    expect(locked.status()).toBe(429);
    expect(await auditOf(servers.main.database, { event: 'two_factor.code_failed', actorEmail: member.email })).toHaveLength(5);
  });

  test('a recovery code signs in once, in the same "otp" field', async ({ request, member }) => {
    const { recoveryCodes } = await seedTotp(servers.main.database, member.userId);
    const data = { email: member.email, password: member.password, otp: recoveryCodes[0]! };
    expect((await request.post('/v1/userauth', { data })).status()).toBe(200);
    const again = await request.post('/v1/userauth', { data });
    expect(again.status()).toBe(401);
    expect(await again.text()).toBe(WRONG_CODE_BODY);
    expect(await auditOf(servers.main.database, { event: 'two_factor.recovery_code_used', actorEmail: member.email })).toMatchObject([
      { details: { during: 'sign_in', recovery_codes_left: 9 } },
    ]);
  });

  test('a malformed code is 400 with the error body', async ({ request, member }) => {
    await seedTotp(servers.main.database, member.userId);
    const response = await request.post('/v1/userauth', { data: { email: member.email, password: member.password, otp: '12' } });
    expect(response.status()).toBe(400);
    expect((await response.json()).message).toMatch(/^otp: /);
  });
});

test.describe('an organization that requires two-factor authentication', () => {
  test('holds back password sessions of members without it; personal tokens and enrolled members pass', async ({ request, member }) => {
    await setTwoFactorRequired(servers.main.database, member.organizationId);
    const colleague = await seedColleague(servers.main.database, member.organizationId);
    const personalToken = await seedPersonalToken(servers.main.database, colleague.userId);

    // Sign-in itself works (there is no code to ask for); the session it makes can do nothing
    // but log out, and says why.
    const session = await login(request, colleague.email, colleague.password);
    for (const path of ['/v1/me', '/v1/project', '/v1/access_token']) {
      const response = await request.get(path, { headers: auth(session) });
      expect(response.status(), path).toBe(403);
      expect(await response.json(), path).toEqual({
        message:
          `Organization "${member.organizationName}" requires two-factor authentication for password sign-ins. ` +
          'Set up an authenticator in the console under Profile → Authentication, then sign in again with a code.',
        errors: [{ error_code: 'two_factor_enrollment_required', message: expect.any(String), status: 403 }],
      });
    }
    const created = await request.post('/v1/access_token', { headers: auth(session), data: { description: 'escape hatch' } });
    expect(created.status()).toBe(403);

    // A personal token made before the policy is not a sign-in: it keeps working.
    expect((await request.get('/v1/me', { headers: auth(personalToken) })).status()).toBe(200);

    // A member with an authenticator signs in with a code and is not held back.
    const { secret } = await seedTotp(servers.main.database, member.userId);
    const response = await request.post('/v1/userauth', {
      data: { email: member.email, password: member.password, otp: await new Authenticator(secret).nextCode() },
    });
    const { token } = await response.json();
    expect((await request.get('/v1/me', { headers: auth(token) })).status()).toBe(200);

    // The held-back session may still log out.
    expect((await request.post('/v1/me/logout', { headers: auth(session) })).status()).toBe(200);
    expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(401);
  });
});
