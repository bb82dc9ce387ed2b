import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, logLevelFromEnv } from './logger';
import { requestIdOf } from './request-id';

/** A logger whose lines are collected, parsed. */
function collected(level: Parameters<typeof createLogger>[0]['level'] = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ level, destination }), lines };
}

describe('logLevelFromEnv', () => {
  it.each([
    [undefined, 'info'],
    ['', 'info'],
    ['debug', 'debug'],
    [' WARN ', 'warn'],
    ['silent', 'silent'],
  ])('%j is %s', (value, level) => {
    expect(logLevelFromEnv({ LOG_LEVEL: value })).toBe(level);
  });

  it.each(['verbose', 'information', '30', 'info,debug'])('refuses %j at start, naming the variable and the choices', (value) => {
    expect(() => logLevelFromEnv({ LOG_LEVEL: value })).toThrow(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${value}")`);
  });
});

describe('createLogger', () => {
  it('writes one JSON object per line, with the level by name and an ISO time', () => {
    const { log, lines } = collected();
    log.info({ req_id: 'r1', route: '/v1/me', status: 200 }, 'request');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', service: 'portcullis', req_id: 'r1', route: '/v1/me', status: 200, msg: 'request', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) }),
    ]);
  });

  it('leaves out lines below LOG_LEVEL', () => {
    const { log, lines } = collected('warn');
    log.info('not this');
    log.warn('this');
    expect(lines.map((line) => line.msg)).toEqual(['this']);
  });

  it('redacts secret-named fields, at the top level and one object down', () => {
    const { log, lines } = collected();
    log.info({ password: 'hunter2-secret', token: 'pcls_secret', headers: { authorization: 'aivenv1 pcls_secret', cookie: 'a=b' }, body: { SAMLResponse: 'PHNhbWw+' } }, 'x');
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2-secret', 'pcls_secret', 'a=b', 'PHNhbWw+']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: '[redacted]', token: '[redacted]', headers: { authorization: '[redacted]', cookie: '[redacted]' }, body: { SAMLResponse: '[redacted]' } });
  });
});

describe('requestIdOf', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('makes a new id for every request from a client, whatever it sends', () => {
    for (const sent of [undefined, 'chosen-by-client-123', ['a', 'b']]) expect(requestIdOf(sent, false)).toMatch(uuid);
    expect(requestIdOf(undefined, false)).not.toBe(requestIdOf(undefined, false));
  });

  it('takes a trusted proxy\'s well-formed id, and replaces a malformed one', () => {
    expect(requestIdOf('0f9a8b7c6d5e4f30', true)).toBe('0f9a8b7c6d5e4f30');
    for (const bad of ['short', 'has space in it', 'line\nbreak-injected', 'x'.repeat(129), '{"json":1}']) expect(requestIdOf(bad, true)).toMatch(uuid);
  });
});
