// The merge rule of PUT /v1/project/{project}/service/{service}: avn sends only the keys given
// with -c, nested ({"kafka": {"sasl_oauthbearer_sub_claim_name": "sub"}}), so the request's
// user_config is a patch of the stored one:
// - a key given replaces the stored value (objects merge key by key, all the way down);
// - a key given as null removes the stored key;
// - keys not given stay as they are.
// Pure: no input is changed.

export type ConfigObject = { [key: string]: unknown };

export function isPlainObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own property, whatever its name: `obj["__proto__"] = x` would change the object's
 * prototype instead (and, through a shared one, every object's). Keys come from requests.
 */
function setOwn(obj: ConfigObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const own = (obj: ConfigObject, key: string): unknown => (Object.hasOwn(obj, key) ? obj[key] : undefined);

export function mergeUserConfig(stored: ConfigObject, patch: ConfigObject): ConfigObject {
  const out: ConfigObject = {};
  for (const [key, value] of Object.entries(stored)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = own(out, key);
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(current)) setOwn(out, key, mergeUserConfig(current, value));
    // A new object is merged into nothing, so that nulls inside it do not end up stored.
    else if (isPlainObject(value)) setOwn(out, key, mergeUserConfig({}, value));
    else setOwn(out, key, value);
  }
  return out;
}

/** The leaves of a config as dotted keys: {"kafka": {"a": 1}} → {"kafka.a": 1}. */
export function flattenConfig(config: ConfigObject, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) Object.assign(out, flattenConfig(value, dotted));
    else out[dotted] = value;
  }
  return out;
}

/** The inverse of flattenConfig: {"kafka.a": 1} → {"kafka": {"a": 1}}. */
export function unflattenConfig(flat: Record<string, unknown>): ConfigObject {
  const out: ConfigObject = {};
  for (const [dotted, value] of Object.entries(flat)) {
    const path = dotted.split('.');
    let node = out;
    for (const part of path.slice(0, -1)) {
      if (!isPlainObject(own(node, part))) setOwn(node, part, {});
      node = node[part] as ConfigObject;
    }
    setOwn(node, path[path.length - 1]!, value);
  }
  return out;
}

/** The dotted keys whose value differs between two configs, with both values (undefined: absent). */
export function configChanges(before: ConfigObject, after: ConfigObject): { key: string; old: unknown; new: unknown }[] {
  const a = flattenConfig(before);
  const b = flattenConfig(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => ({ key, old: a[key], new: b[key] }));
}
