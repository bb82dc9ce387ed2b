import { flattenConfig, isPlainObject, type ConfigObject } from './merge';
import { maskSecret } from './signing-key';
import { configOptions, type ServiceType } from './user-config-schema';

// Secrets in a service's user_config are the keys its JSON Schema marks `x-secret: true`
// (OpenSearch's jwt.signing_key: an HMAC secret there signs tokens with any role). They are
// shown only to those who may change the service; everyone else, in the API and the console
// alike, sees a fingerprint that tells two values apart and reveals neither.

/** The dotted keys whose values are secrets, per service type, from the schema. */
export function secretKeys(serviceType: ServiceType): Set<string> {
  return new Set(configOptions(serviceType).filter((o) => o.schema['x-secret']).map((o) => o.key));
}

/** A copy of user_config with every secret the schema marks replaced by its fingerprint. */
export function maskSecrets(serviceType: ServiceType, config: ConfigObject): ConfigObject {
  const out = structuredClone(config);
  for (const option of configOptions(serviceType)) {
    if (!option.schema['x-secret']) continue;
    let node: unknown = out;
    for (const part of option.path.slice(0, -1)) node = isPlainObject(node) ? node[part] : undefined;
    const leaf = option.path[option.path.length - 1]!;
    if (isPlainObject(node) && node[leaf] !== undefined && node[leaf] !== null) node[leaf] = maskSecret(node[leaf]);
  }
  return out;
}

/**
 * user_config as a caller may see it: as stored for those who may change the service (they set
 * it, and `avn service update` round-trips it), secrets masked for everyone else.
 */
export function userConfigFor(
  service: { serviceType: ServiceType; userConfig: ConfigObject },
  { revealSecrets }: { revealSecrets: boolean },
): ConfigObject {
  return revealSecrets ? service.userConfig : maskSecrets(service.serviceType, service.userConfig);
}

/** The flat user_config for the console's form: secrets masked for everyone (the form shows only a fingerprint). */
export function maskedFlatUserConfig(service: { serviceType: ServiceType; userConfig: ConfigObject }): Record<string, unknown> {
  return flattenConfig(userConfigFor(service, { revealSecrets: false }));
}
