import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';

// Real protocol peers on 127.0.0.1 for the third-party sign-in tests:
// - an OpenID provider (oidc-provider, the certified implementation) standing in for Google, and
//   another for Microsoft Entra ID (which vouches for addresses with `xms_edov`, not
//   `email_verified`); each has a small sign-in page where the test chooses the account;
// - a server speaking GitHub's OAuth endpoints and the parts of its REST API we call.
// Nothing here is mocked inside the app: it discovers, redirects, exchanges codes, verifies ID
// tokens and calls the APIs over HTTP as it would against the real providers.

export type Peer = { url: string; close: () => Promise<void> };

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto"><h1>${escape(title)}</h1>${body}</body></html>`;
}

/** The account fields the stand-in sign-in pages ask for. */
function accountForm(action: string, denyAction: string, { withLogin = false } = {}) {
  return `<form method="post" action="${escape(action)}">
<p><label>Email <input name="email" type="email" required></label></p>
${withLogin ? '<p><label>Username <input name="login" required></label></p>' : ''}
<p><label><input name="verified" type="checkbox" value="1" checked> Email address verified</label></p>
<p><button type="submit">Sign in</button></p>
</form>
<form method="post" action="${escape(denyAction)}"><button type="submit">Deny access</button></form>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    return new URLSearchParams(Object.entries(JSON.parse(text || '{}') as Record<string, string>));
  }
  return new URLSearchParams(text);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

function closer(server: Server) {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

type Account = { email: string; verified: boolean; name: string };

/** Where a stand-in provider listens and the one client it knows. */
type PeerClient = { port: number; clientId: string; clientSecret: string; redirectUri: string };

/** An OpenID provider for one client, as Google (`email_verified`) or Microsoft (`xms_edov`). */
export async function startOidcPeer({
  flavor,
  port,
  clientId,
  clientSecret,
  redirectUri,
}: PeerClient & { flavor: 'google' | 'microsoft' }): Promise<Peer> {
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, Account>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `${flavor}-e2e`, use: 'sig', alg: 'RS256' };
  const title = flavor === 'google' ? 'Google (test stand-in)' : 'Microsoft (test stand-in)';
  const emailClaims = flavor === 'google' ? ['email', 'email_verified'] : ['email', 'xms_edov'];

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk as never] },
    claims: { openid: ['sub'], email: emailClaims, profile: ['name'] },
    // Google and Entra put the scope's claims in the ID token, which is what next-auth reads.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: {
      keys: [randomBytes(16).toString('hex')],
      // Both stand-ins live on 127.0.0.1: their cookies must not collide.
      names: { session: `_${flavor}_session`, interaction: `_${flavor}_interaction`, resume: `_${flavor}_resume` },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    pkce: { required: () => true },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          const verified = flavor === 'google' ? { email_verified: account.verified } : account.verified ? { xms_edov: true } : {};
          return { sub: id, email: account.email, name: account.name, ...verified };
        },
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    if (req.method === 'GET' && !action) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(title, accountForm(`/interaction/${uid}/login`, `/interaction/${uid}/abort`)));
      return;
    }
    if (req.method === 'POST' && action === 'abort') {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user denied the request' }, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = await readForm(req);
      const email = (form.get('email') ?? '').trim();
      const verified = form.get('verified') === '1';
      // The subject is stable per address and verification state, like a provider account.
      const accountId = `${flavor}-${verified ? 'v' : 'u'}-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
      accounts.set(accountId, { email, verified, name: email.split('@')[0] ?? '' });
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
      grant.addOIDCScope(String(details.params.scope ?? 'openid'));
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
      return;
    }
    res.writeHead(404).end();
  }

  const server = createServer((req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/(login|abort))?/.exec(req.url ?? '');
    if (!match) return void callback(req, res);
    interaction(req, res, match[1]!, match[2]).catch((error: unknown) => {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await listen(server, port);
  return { url: issuer, close: closer(server) };
}

type Code = { login: string; email: string; verified: boolean; redirectUri: string; expires: number };

/**
 * GitHub's OAuth web flow and REST API, as far as sign-in uses them: /login/oauth/authorize (a
 * page where the test picks the account, then Authorize or Deny), /login/oauth/access_token
 * (codes work once, for a minute; a bad code is 200 with {"error": "bad_verification_code"} as
 * GitHub answers), /user and /user/emails.
 */
export async function startGitHubPeer({
  port,
  clientId,
  clientSecret,
  redirectUri,
}: PeerClient): Promise<Peer> {
  const url = `http://127.0.0.1:${port}`;
  const codes = new Map<string, Code>();
  const tokens = new Map<string, Omit<Code, 'redirectUri' | 'expires'>>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const back = (res: ServerResponse, params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
    res.writeHead(302, { location: target.toString() }).end();
  };
  const idOf = (login: string) => Number.parseInt(createHash('sha256').update(login).digest('hex').slice(0, 8), 16);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestUrl = new URL(req.url ?? '/', url);
    const path = requestUrl.pathname;
    if (path === '/login/oauth/authorize' && req.method === 'GET') {
      const q = requestUrl.searchParams;
      if (q.get('client_id') !== clientId || (q.get('redirect_uri') && q.get('redirect_uri') !== redirectUri)) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('The redirect_uri or client_id is not registered');
        return;
      }
      const state = escape(q.get('state') ?? '');
      const body = accountForm(`/login/oauth/authorize/decide?state=${state}`, `/login/oauth/authorize/deny?state=${state}`, { withLogin: true });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('GitHub (test stand-in): Authorize Portcullis', body));
      return;
    }
    if (path === '/login/oauth/authorize/deny' && req.method === 'POST') {
      back(res, {
        error: 'access_denied',
        error_description: 'The user has denied your application access.',
        state: requestUrl.searchParams.get('state') ?? '',
      });
      return;
    }
    if (path === '/login/oauth/authorize/decide' && req.method === 'POST') {
      const form = await readForm(req);
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        login: form.get('login') ?? 'octocat',
        email: form.get('email') ?? '',
        verified: form.get('verified') === '1',
        redirectUri,
        expires: Date.now() + 60_000,
      });
      back(res, { code, state: requestUrl.searchParams.get('state') ?? '' });
      return;
    }
    if (path === '/login/oauth/access_token' && req.method === 'POST') {
      const form = await readForm(req);
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
      const [id, secret] = basic
        ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':').map((v) => decodeURIComponent(v))
        : [form.get('client_id'), form.get('client_secret')];
      if (id !== clientId || secret !== clientSecret) {
        json(res, 200, { error: 'incorrect_client_credentials', error_description: 'The client_id and/or client_secret passed are incorrect.' });
        return;
      }
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!code || code.expires < Date.now() || (form.get('redirect_uri') && form.get('redirect_uri') !== code.redirectUri)) {
        json(res, 200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' });
        return;
      }
      const token = `gho_${randomBytes(18).toString('hex')}`;
      tokens.set(token, { login: code.login, email: code.email, verified: code.verified });
      json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
      return;
    }
    if ((path === '/user' || path === '/user/emails') && req.method === 'GET') {
      const token = /^(?:Bearer|token) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const account = token ? tokens.get(token) : undefined;
      if (!account) {
        json(res, 401, { message: 'Bad credentials' });
        return;
      }
      if (path === '/user') {
        // The public profile address is null for most accounts.
        json(res, 200, { id: idOf(account.login), login: account.login, name: null, email: null });
        return;
      }
      json(res, 200, [
        { email: account.email, primary: true, verified: account.verified, visibility: 'private' },
        { email: `${idOf(account.login)}+${account.login}@users.noreply.github.com`, primary: false, verified: true, visibility: null },
      ]);
      return;
    }
    json(res, 404, { message: 'Not Found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { message: String(error) }));
  });
  await listen(server, port);
  return { url, close: closer(server) };
}
