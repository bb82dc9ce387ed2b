import { randomBytes } from 'node:crypto';

// The proof of control an organization publishes for a domain: upstream's form with our
// product's name. DNS: a TXT record `_portcullis-challenge.<domain>`; HTTP: a file at
// `https://<domain>/.well-known/portcullis-challenge`. Both hold `token=<random>,expiry=never`.

export const CHALLENGE_LABEL = '_portcullis-challenge';
export const HTTP_CHALLENGE_PATH = '/.well-known/portcullis-challenge';

/** 128 random bits, hex: unguessable, and plain characters every DNS console accepts. */
export const newChallengeToken = () => randomBytes(16).toString('hex');

export const challengeRecordName = (domainName: string) => `${CHALLENGE_LABEL}.${domainName}`;
export const challengeValue = (token: string) => `token=${token},expiry=never`;
export const httpChallengeUrl = (domainName: string) => `https://${domainName}${HTTP_CHALLENGE_PATH}`;

/** True when a published value is the expected one (surrounding blanks and quotes forgiven). */
export function matchesChallenge(published: string, token: string): boolean {
  return published.trim().replace(/^"(.*)"$/, '$1').trim() === challengeValue(token);
}
