import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

// A real JWKS endpoint on 127.0.0.1 for tests (unit and e2e): an identity provider's key set
// served over HTTP, and tokens signed with its private key.

export type Route = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** An HTTP server on 127.0.0.1 and a free port, answering each path with its route. */
export async function startServer(routes: Record<string, Route>): Promise<{ url: (path: string) => string; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    const route = routes[new URL(request.url ?? '/', 'http://x').pathname];
    if (route) route(request, response);
    else response.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TestIdp = {
  jwksUrl: string;
  issuer: string;
  publicJwk: JWK;
  sign: (claims: JWTPayload, options?: { expiresIn?: string | number | null; kid?: string }) => Promise<string>;
  close: () => Promise<void>;
};

/** An identity provider with one key pair (RS256 or ES256), its key set at /jwks.json. */
export async function startTestIdp({ alg = 'RS256', kid = 'test-key-1' }: { alg?: 'RS256' | 'ES256'; kid?: string } = {}): Promise<TestIdp> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const server = await startServer({
    '/jwks.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] })),
  });
  const issuer = server.url('/');
  return {
    jwksUrl: server.url('/jwks.json'),
    issuer,
    publicJwk,
    sign: (claims, options = {}) =>
      signWith(privateKey, alg, claims, { kid: options.kid ?? kid, expiresIn: options.expiresIn === undefined ? '10m' : options.expiresIn }),
    close: server.close,
  };
}

export async function signWith(
  key: CryptoKey | Uint8Array,
  alg: string,
  claims: JWTPayload,
  { kid, expiresIn = '10m', now }: { kid?: string; expiresIn?: string | number | null; now?: Date } = {},
): Promise<string> {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg, ...(kid ? { kid } : {}), typ: 'JWT' }).setIssuedAt(now);
  if (expiresIn !== null && claims.exp === undefined) {
    jwt = jwt.setExpirationTime(typeof expiresIn === 'number' ? expiresIn : expiresIn);
  }
  return jwt.sign(key);
}
