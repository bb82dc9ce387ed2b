import { describe, expect, it, vi } from 'vitest';
import { fetchGitHubProfile } from './github-api';

const API = 'https://api.github.test';

function fakeGitHub(answers: Record<string, Response>) {
  return vi.fn<typeof fetch>(async (url) => answers[String(url)] ?? new Response('not found', { status: 404 }));
}

describe('fetchGitHubProfile', () => {
  it('reads /user and /user/emails with the access token', async () => {
    const fetcher = fakeGitHub({
      [`${API}/user`]: Response.json({ id: 42, login: 'ada', name: 'Ada' }),
      [`${API}/user/emails`]: Response.json([{ email: 'ada@example.test', primary: true, verified: true }]),
    });
    const profile = await fetchGitHubProfile(API, { access_token: 'gho_x' }, fetcher);
    expect(profile).toEqual({ sub: '42', user: { id: 42, login: 'ada', name: 'Ada' }, emails: [{ email: 'ada@example.test', primary: true, verified: true }] });
    expect(fetcher).toHaveBeenCalledTimes(2);
    for (const [, init] of fetcher.mock.calls) {
      expect(init?.headers).toMatchObject({ authorization: 'Bearer gho_x', accept: 'application/vnd.github+json', 'user-agent': 'Portcullis' });
    }
  });

  it.each([
    ['a failing /user/emails', new Response('forbidden', { status: 403 })],
    ['an /user/emails answer that is not a list', Response.json({ message: 'odd' })],
  ])('%s gives no addresses (null), not an error', async (_name, emailsAnswer) => {
    const fetcher = fakeGitHub({ [`${API}/user`]: Response.json({ id: 7 }), [`${API}/user/emails`]: emailsAnswer });
    expect(await fetchGitHubProfile(API, { access_token: 't' }, fetcher)).toEqual({ sub: '7', user: { id: 7 }, emails: null });
  });

  it('a user without an id has an empty subject (githubIdentity refuses it)', async () => {
    const fetcher = fakeGitHub({ [`${API}/user`]: Response.json({ login: 'x' }), [`${API}/user/emails`]: Response.json([]) });
    expect((await fetchGitHubProfile(API, { access_token: 't' }, fetcher)).sub).toBe('');
  });

  it('a failing /user is an error naming the status', async () => {
    const fetcher = fakeGitHub({ [`${API}/user`]: new Response('nope', { status: 401 }) });
    await expect(fetchGitHubProfile(API, { access_token: 't' }, fetcher)).rejects.toThrow('GitHub /user answered 401');
  });

  it.each([
    // GitHub answers a bad code with 200 and an error body, not with an HTTP error.
    [{ error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }, 'bad_verification_code: The code passed is incorrect or expired.'],
    [{ error: 'bad_verification_code', access_token: 'leftover' }, 'bad_verification_code: the token endpoint returned no access token'],
    [{}, 'no_access_token: the token endpoint returned no access token'],
    [{ access_token: '' }, 'no_access_token: the token endpoint returned no access token'],
  ])('token answer %j is refused before any API call', async (tokens, message) => {
    const fetcher = fakeGitHub({});
    await expect(fetchGitHubProfile(API, tokens, fetcher)).rejects.toThrow(message);
    expect(fetcher).not.toHaveBeenCalled();
  });
});
