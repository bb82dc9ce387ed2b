import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, type JSONWebKeySet, type JWTPayload } from 'jose';
import { fetchText, OutboundError, type FetchOptions } from '@/lib/net/outbound';
import { isPlainObject, type ConfigObject } from './merge';
import { signingKeyLabel, storedSigningKey } from './signing-key';
import type { ServiceType } from './user-config-schema';

// The token tester: would this service, with its saved settings, accept this JWT? Each check is
// reported on its own, in the order a broker or OpenSearch node makes them, so a refusal names
// its reason. It never throws for a bad token: a bad token is an answer.
//
// Kafka (Apache Kafka's OAUTHBEARER validator): the signature against the keys at the JWKS URL,
// iss against the expected issuer, aud against any of the expected audiences, exp (required)
// and nbf with Kafka's default 30 s clock skew, and the subject claim.
// OpenSearch (its JWT backend): jwt.enabled, the signature against jwt.signing_key, iss, aud,
// exp and nbf (optional) with jwt_clock_skew_tolerance_seconds (default 20 s), the subject
// claim and the roles claim.

export type CheckId = 'enabled' | 'format' | 'signature' | 'issuer' | 'audience' | 'expiry' | 'not_before' | 'subject' | 'roles';

/** ok: true passed, false refused, null not checked (the setting is not set) or for information only. */
export type TokenCheck = { id: CheckId; label: string; ok: boolean | null; detail: string };

export type TokenTestResult = {
  accepted: boolean;
  checks: TokenCheck[];
  /** The user name the service would use, when it got that far. */
  subject: string | null;
  /** OpenSearch: the backend roles from the token; null when no roles claim is configured. */
  roles: string[] | null;
};

export type JwksKey = { kid: string | null; alg: string | null; kty: string; use: string | null; crv: string | null };

/** Apache Kafka's default sasl.oauthbearer.clock.skew.seconds. */
export const KAFKA_CLOCK_SKEW_SECONDS = 30;
/** OpenSearch's jwt_clock_skew_tolerance_seconds when unset (the reference's default). */
export const OPENSEARCH_DEFAULT_SKEW_SECONDS = 20;

const ASYMMETRIC_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];

export type JwksFetchOptions = Omit<FetchOptions, 'purpose'>;

/** Fetches a JWKS URL (through the outbound filter, as a `jwks` fetch) and reads its keys; throws OutboundError with the exact failure. */
export async function fetchJwks(url: string, options: JwksFetchOptions = {}): Promise<JSONWebKeySet> {
  const response = await fetchText(url, { ...options, purpose: 'jwks' });
  if (response.status !== 200) throw new OutboundError(`HTTP ${response.status} from ${url}`);
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    throw new OutboundError('The response is not JSON');
  }
  if (!isPlainObject(body) || !Array.isArray(body.keys)) throw new OutboundError('The response is JSON but not a key set: no "keys" list');
  const keys = body.keys.filter((k): k is ConfigObject => isPlainObject(k) && typeof k.kty === 'string');
  if (keys.length === 0) throw new OutboundError('The key set holds no keys');
  return { keys } as unknown as JSONWebKeySet;
}

/** "Check JWKS endpoint": the keys at the URL (kid, algorithm, type), or the exact failure. */
export async function checkJwksEndpoint(url: string, options?: JwksFetchOptions): Promise<{ ok: true; keys: JwksKey[] } | { ok: false; error: string }> {
  try {
    const jwks = await fetchJwks(url, options);
    return {
      ok: true,
      keys: jwks.keys.map((k) => ({
        kid: typeof k.kid === 'string' ? k.kid : null,
        alg: typeof k.alg === 'string' ? k.alg : null,
        kty: k.kty as string,
        use: typeof k.use === 'string' ? k.use : null,
        crv: typeof k.crv === 'string' ? k.crv : null,
      })),
    };
  } catch (error) {
    return { ok: false, error: error instanceof OutboundError ? error.message : `Unexpected failure: ${String(error)}` };
  }
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function audiencesOf(payload: JWTPayload): string[] {
  if (typeof payload.aud === 'string') return [payload.aud];
  return Array.isArray(payload.aud) ? payload.aud.filter((a): a is string => typeof a === 'string') : [];
}

const at = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function signatureFailure(error: unknown): string {
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the signature does not match the key';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'no key in the key set matches the token’s kid and alg';
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'several keys in the key set match and none verifies';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return (error as Error).message.replace(/"alg"/, 'the algorithm');
  if (error instanceof joseErrors.JOSEError) return (error as Error).message;
  return String(error);
}

type Settings = {
  issuer: string | null;
  audiences: string[];
  requireExp: boolean;
  skew: number;
  subjectClaim: string;
  rolesClaim: string | null;
};

/**
 * Runs the checks against a service's saved user_config. `loadJwks` fetches a Kafka service's key
 * set (by default through the outbound filter); `now` is the clock the times are checked against.
 */
export async function testToken({
  serviceType,
  userConfig,
  token,
  now,
  loadJwks = (url) => fetchJwks(url),
}: {
  serviceType: ServiceType;
  userConfig: ConfigObject;
  token: string;
  now: Date;
  loadJwks?: (url: string) => Promise<JSONWebKeySet>;
}): Promise<TokenTestResult> {
  const checks: TokenCheck[] = [];
  const result = (subject: string | null = null, roles: string[] | null = null): TokenTestResult => ({
    accepted: checks.every((c) => c.ok !== false),
    checks,
    subject,
    roles,
  });
  const kafka = isPlainObject(userConfig.kafka) ? userConfig.kafka : {};
  const jwt = isPlainObject(userConfig.jwt) ? userConfig.jwt : {};

  if (serviceType === 'opensearch') {
    const enabled = jwt.enabled === true;
    checks.push({
      id: 'enabled',
      label: 'JWT authentication',
      ok: enabled,
      detail: enabled ? 'jwt.enabled is true' : 'jwt.enabled is not true: the service accepts no JWT at all',
    });
  }

  // Format: three base64url parts, a JSON header and JSON claims.
  let payload: JWTPayload;
  let alg: string | undefined;
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token.trim());
    alg = header.alg;
    kid = header.kid;
    payload = decodeJwt(token.trim());
  } catch {
    checks.push({ id: 'format', label: 'Token format', ok: false, detail: 'not a JWT: expected three base64url parts with a JSON header and JSON claims' });
    return result();
  }
  checks.push({ id: 'format', label: 'Token format', ok: true, detail: `alg ${alg ?? '(none)'}${kid ? `, kid ${kid}` : ''}` });

  // Signature.
  const signature = await checkSignature(serviceType, token.trim(), kafka, jwt, loadJwks);
  checks.push({ id: 'signature', label: 'Signature', ...signature });

  const settings: Settings =
    serviceType === 'kafka'
      ? {
          issuer: str(kafka.sasl_oauthbearer_expected_issuer),
          audiences: (str(kafka.sasl_oauthbearer_expected_audience) ?? '')
            .split(',')
            .map((a) => a.trim())
            .filter(Boolean),
          requireExp: true,
          skew: KAFKA_CLOCK_SKEW_SECONDS,
          subjectClaim: str(kafka.sasl_oauthbearer_sub_claim_name) ?? 'sub',
          rolesClaim: null,
        }
      : {
          issuer: str(jwt.required_issuer),
          audiences: str(jwt.required_audience) ? [jwt.required_audience as string] : [],
          requireExp: false,
          skew: typeof jwt.jwt_clock_skew_tolerance_seconds === 'number' ? jwt.jwt_clock_skew_tolerance_seconds : OPENSEARCH_DEFAULT_SKEW_SECONDS,
          subjectClaim: str(jwt.subject_key) ?? 'sub',
          rolesClaim: str(jwt.roles_key),
        };
  checks.push(...claimChecks(payload, settings, now));

  // Subject.
  const subjectValue = payload[settings.subjectClaim];
  const subject = typeof subjectValue === 'string' && subjectValue.trim() !== '' ? subjectValue : null;
  checks.push({
    id: 'subject',
    label: `Subject claim "${settings.subjectClaim}"`,
    ok: subject !== null,
    detail: subject !== null ? `user name ${subject}` : `the token has no non-empty string claim "${settings.subjectClaim}"`,
  });

  // Roles (OpenSearch): an array of names, or one comma-separated string.
  let roles: string[] | null = null;
  if (serviceType === 'opensearch') {
    if (!settings.rolesClaim) {
      checks.push({ id: 'roles', label: 'Roles claim', ok: null, detail: 'jwt.roles_key is not set: roles are managed in OpenSearch' });
    } else {
      const value = payload[settings.rolesClaim];
      roles = Array.isArray(value)
        ? value.filter((r): r is string => typeof r === 'string')
        : typeof value === 'string'
          ? value.split(',').map((r) => r.trim()).filter(Boolean)
          : [];
      checks.push({
        id: 'roles',
        label: `Roles claim "${settings.rolesClaim}"`,
        ok: null,
        detail: value === undefined ? `the token has no "${settings.rolesClaim}" claim: no backend roles from it` : `backend roles: ${roles.join(', ') || '(none)'}`,
      });
    }
  }
  return result(subject, roles);
}

async function checkSignature(
  serviceType: ServiceType,
  token: string,
  kafka: ConfigObject,
  jwt: ConfigObject,
  loadJwks: (url: string) => Promise<JSONWebKeySet>,
): Promise<{ ok: boolean; detail: string }> {
  if (serviceType === 'kafka') {
    const url = str(kafka.sasl_oauthbearer_jwks_endpoint_url);
    if (!url) return { ok: false, detail: 'kafka.sasl_oauthbearer_jwks_endpoint_url is not set: OAUTHBEARER is off' };
    let jwks: JSONWebKeySet;
    try {
      jwks = await loadJwks(url);
    } catch (error) {
      return { ok: false, detail: `fetching the key set failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    try {
      const { protectedHeader } = await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ASYMMETRIC_ALGS });
      return { ok: true, detail: `verified with ${protectedHeader.kid ? `key ${protectedHeader.kid}` : 'a key'} from ${url} (${protectedHeader.alg})` };
    } catch (error) {
      return { ok: false, detail: signatureFailure(error) };
    }
  }
  const stored = str(jwt.signing_key);
  if (!stored) return { ok: false, detail: 'jwt.signing_key is not set' };
  const key = storedSigningKey(stored);
  if (!key) return { ok: false, detail: 'the saved jwt.signing_key is not a usable key' };
  try {
    const algorithms =
      key.kind === 'hmac' ? HMAC_ALGS : key.keyType === 'rsa' ? ASYMMETRIC_ALGS.filter((a) => !a.startsWith('ES')) : ASYMMETRIC_ALGS.filter((a) => a.startsWith('ES'));
    const { protectedHeader } = await compactVerify(token, key.kind === 'hmac' ? key.secret : key.key, { algorithms });
    return {
      ok: true,
      detail: `verified with the ${key.kind === 'hmac' ? 'HMAC secret' : signingKeyLabel(key)} (${protectedHeader.alg})`,
    };
  } catch (error) {
    return { ok: false, detail: signatureFailure(error) };
  }
}

function claimChecks(payload: JWTPayload, s: Settings, now: Date): TokenCheck[] {
  const checks: TokenCheck[] = [];
  const nowSeconds = Math.floor(now.getTime() / 1000);

  if (s.issuer === null) checks.push({ id: 'issuer', label: 'Issuer', ok: null, detail: 'no expected issuer is set: any issuer' });
  else {
    const ok = payload.iss === s.issuer;
    checks.push({
      id: 'issuer',
      label: 'Issuer',
      ok,
      detail: ok ? `iss is ${s.issuer}` : `iss is ${payload.iss === undefined ? 'missing' : JSON.stringify(payload.iss)}; expected ${JSON.stringify(s.issuer)}`,
    });
  }

  if (s.audiences.length === 0) checks.push({ id: 'audience', label: 'Audience', ok: null, detail: 'no expected audience is set: any audience' });
  else {
    const aud = audiencesOf(payload);
    const match = aud.find((a) => s.audiences.includes(a));
    checks.push({
      id: 'audience',
      label: 'Audience',
      ok: match !== undefined,
      detail:
        match !== undefined
          ? `aud holds ${match}`
          : `wrong audience: aud is ${aud.length ? JSON.stringify(payload.aud) : 'missing'}; expected ${s.audiences.length > 1 ? 'one of ' : ''}${s.audiences.map((a) => JSON.stringify(a)).join(', ')}`,
    });
  }

  if (typeof payload.exp !== 'number') {
    checks.push({
      id: 'expiry',
      label: 'Expiry',
      ok: s.requireExp ? false : null,
      detail: s.requireExp ? 'the token has no exp claim, which Kafka requires' : 'no exp claim: the token does not expire',
    });
  } else {
    const ok = nowSeconds < payload.exp + s.skew;
    checks.push({
      id: 'expiry',
      label: 'Expiry',
      ok,
      detail: ok ? `valid until ${at(payload.exp)} (${s.skew} s skew allowed)` : `expired at ${at(payload.exp)} (${s.skew} s skew allowed)`,
    });
  }

  if (typeof payload.nbf !== 'number') checks.push({ id: 'not_before', label: 'Not before', ok: null, detail: 'no nbf claim' });
  else {
    const ok = nowSeconds >= payload.nbf - s.skew;
    checks.push({
      id: 'not_before',
      label: 'Not before',
      ok,
      detail: ok ? `valid from ${at(payload.nbf)}` : `not valid before ${at(payload.nbf)} (${s.skew} s skew allowed)`,
    });
  }
  return checks;
}
