import { describe, expect, it } from 'vitest';
import { configChanges, flattenConfig, mergeUserConfig, unflattenConfig } from './merge';

describe('mergeUserConfig', () => {
  it.each([
    ['a key given replaces it', { kafka: { a: '1', b: '2' } }, { kafka: { a: 'x' } }, { kafka: { a: 'x', b: '2' } }],
    ['null removes it', { kafka: { a: '1', b: '2' } }, { kafka: { a: null } }, { kafka: { b: '2' } }],
    ['absent keys stay', { kafka: { a: '1' }, jwt: { enabled: true } }, {}, { kafka: { a: '1' }, jwt: { enabled: true } }],
    ['a new key is added', { kafka: { a: '1' } }, { kafka: { b: '2' } }, { kafka: { a: '1', b: '2' } }],
    ['a new object is added', {}, { kafka: { a: '1' } }, { kafka: { a: '1' } }],
    ['nulls inside a new object are not stored', {}, { kafka: { a: '1', b: null } }, { kafka: { a: '1' } }],
    ['null removes a whole object', { jwt: { enabled: true, signing_key: 'k' } }, { jwt: null }, {}],
    ['removing what is not there is a no-op', { kafka: { a: '1' } }, { kafka: { z: null } }, { kafka: { a: '1' } }],
    ['an array replaces, it does not merge', { x: [1, 2] }, { x: [3] }, { x: [3] }],
    ['false and 0 are values, not removals', { jwt: { enabled: true, s: 20 } }, { jwt: { enabled: false, s: 0 } }, { jwt: { enabled: false, s: 0 } }],
    ['a scalar replaces an object', { x: { a: 1 } }, { x: 'v' }, { x: 'v' }],
    ['an object replaces a scalar', { x: 'v' }, { x: { a: 1 } }, { x: { a: 1 } }],
  ])('%s', (_name, stored, patch, expected) => {
    const storedCopy = structuredClone(stored);
    const patchCopy = structuredClone(patch);
    expect(mergeUserConfig(stored, patch)).toEqual(expected);
    // Pure: neither input changes.
    expect(stored).toEqual(storedCopy);
    expect(patch).toEqual(patchCopy);
  });
});

describe('flat keys', () => {
  it('flattens and unflattens', () => {
    const config = { kafka: { a: '1', b: '2' }, jwt: { enabled: true } };
    expect(flattenConfig(config)).toEqual({ 'kafka.a': '1', 'kafka.b': '2', 'jwt.enabled': true });
    expect(unflattenConfig(flattenConfig(config))).toEqual(config);
  });

  it('lists changes with old and new values', () => {
    expect(configChanges({ kafka: { a: '1', b: '2' } }, { kafka: { a: '1', b: '3', c: '4' } })).toEqual([
      { key: 'kafka.b', old: '2', new: '3' },
      { key: 'kafka.c', old: undefined, new: '4' },
    ]);
    expect(configChanges({ kafka: { a: '1' } }, {})).toEqual([{ key: 'kafka.a', old: '1', new: undefined }]);
    expect(configChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe('keys named like Object internals', () => {
  it('stay plain own keys and never reach a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "kafka": {"constructor": {"x": 1}}}');
    const merged = mergeUserConfig({}, patch);
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'kafka']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    const flat = unflattenConfig({ '__proto__.polluted': true, 'constructor.prototype.polluted': true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(flat).sort()).toEqual(['__proto__', 'constructor']);
  });
});
