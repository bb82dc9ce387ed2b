import { UAParser } from 'ua-parser-js';

/** "Chrome 131 on Linux", "aiven-client 4.16", or null: for people reading the token list. */
export function humanUserAgent(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const { browser, os } = new UAParser(userAgent).getResult();
  if (browser.name) {
    const name = [browser.name, browser.major].filter(Boolean).join(' ');
    return os.name ? `${name} on ${[os.name, os.version].filter(Boolean).join(' ')}` : name;
  }
  // CLIs and libraries: "aiven-client/4.16.0 python-requests/2.31" -> "aiven-client 4.16.0".
  const first = /^([A-Za-z][\w.-]*)\/([\w.-]+)/.exec(userAgent);
  return first ? `${first[1]} ${first[2]}` : userAgent.slice(0, 80);
}
