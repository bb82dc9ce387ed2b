import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDnsServer, type TestDnsServer } from '@/lib/testing/dns-server';
import { challengeRecordName, challengeValue } from './challenge';
import { describeCheck } from './check-result';
import { checkDnsChallenge } from './dns-check';

// Each outcome against a real DNS server on 127.0.0.1 (dns2), through Node's resolver.

const TOKEN = '0123456789abcdef0123456789abcdef';
let dns: TestDnsServer;
const settings = () => ({ dnsServers: [dns.server], timeoutMs: 800 });

beforeAll(async () => {
  dns = await startTestDnsServer();
  dns.set('verified.test', {});
  dns.set(challengeRecordName('verified.test'), { txt: ['v=spf1 -all', challengeValue(TOKEN)] });
  dns.set('quoted.test', {});
  dns.set(challengeRecordName('quoted.test'), { txt: [` "${challengeValue(TOKEN)}" `] });
  dns.set('wrong.test', {});
  dns.set(challengeRecordName('wrong.test'), { txt: [challengeValue('ffffffffffffffffffffffffffffffff'), 'google-site-verification=abc'] });
  // The domain exists, and so does the challenge name, with no TXT record.
  dns.set('empty.test', {});
  dns.set(challengeRecordName('empty.test'), {});
  // The domain exists; the challenge name does not (NXDOMAIN for it, as real zones answer).
  dns.set('missing.test', {});
  dns.set('sub.missing.test', {});
  dns.set('slow.test', { slow: true });
  dns.set(challengeRecordName('slow.test'), { slow: true });
});
afterAll(() => dns.close());

describe('checkDnsChallenge', () => {
  it.each([
    ['verified.test', 'verified', undefined],
    ['quoted.test', 'verified', undefined],
    ['wrong.test', 'mismatch', [challengeValue('ffffffffffffffffffffffffffffffff'), 'google-site-verification=abc']],
    ['empty.test', 'no_txt_record', undefined],
    ['missing.test', 'no_txt_record', undefined],
    ['sub.missing.test', 'no_txt_record', undefined],
    ['nowhere.test', 'nxdomain', undefined],
  ])('%s → %s', async (domain, status, records) => {
    const result = await checkDnsChallenge(domain, TOKEN, settings());
    expect(result.status).toBe(status);
    expect(result.target).toBe(`_portcullis-challenge.${domain}`);
    expect(result.records?.slice().sort()).toEqual(records?.slice().sort());
  });

  it('asks the configured server for the TXT record of the challenge name', async () => {
    const before = dns.queries.length;
    await checkDnsChallenge('verified.test', TOKEN, settings());
    expect(dns.queries.slice(before)).toContain('TXT _portcullis-challenge.verified.test');
  });

  it('a server that never answers ends as a timeout, within the deadline', async () => {
    const started = Date.now();
    const result = await checkDnsChallenge('slow.test', TOKEN, { dnsServers: [dns.server], timeoutMs: 400 });
    const took = Date.now() - started;
    expect(result.status).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(2000);
    expect(describeCheck(result)).toMatch(/timed out.*try again later/i);
  });

  it('a server nobody listens on does not hang either', async () => {
    const closed = await startTestDnsServer();
    await closed.close();
    const started = Date.now();
    const result = await checkDnsChallenge('verified.test', TOKEN, { dnsServers: [closed.server], timeoutMs: 400 });
    expect(['timeout', 'error']).toContain(result.status);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a malformed DNS_SERVERS is an error result, not a throw', async () => {
    const result = await checkDnsChallenge('verified.test', TOKEN, { dnsServers: ['not a server'], timeoutMs: 400 });
    expect(result.status).toBe('error');
    expect(result.detail).toMatch(/DNS_SERVERS/);
  });

  it('each outcome has its own sentence; a mismatch lists what was found', async () => {
    const wrong = await checkDnsChallenge('wrong.test', TOKEN, settings());
    expect(describeCheck(wrong)).toContain('google-site-verification=abc');
    expect(describeCheck(wrong)).toMatch(/none holds the expected value/);
    expect(describeCheck(await checkDnsChallenge('nowhere.test', TOKEN, settings()))).toMatch(/does not exist.*nowhere\.test.*NXDOMAIN/);
    expect(describeCheck(await checkDnsChallenge('empty.test', TOKEN, settings()))).toMatch(/No TXT record at _portcullis-challenge\.empty\.test/);
    expect(describeCheck(await checkDnsChallenge('verified.test', TOKEN, settings()))).toMatch(/^Verified/);
  });
});
