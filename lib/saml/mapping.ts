import type { SamlFieldMapping } from '@/db/schema';
import type { MappedField } from '@/lib/identity-providers/schema';

// From the attributes of a validated assertion to the person: email, name, groups, and the
// subject that identifies them at the IdP. An admin may name the attribute for each field; an
// unnamed field is looked up under the names the common IdPs use.

const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';

export const DEFAULT_ATTRIBUTE_NAMES: Record<MappedField, string[]> = {
  email: ['email', 'mail', 'emailAddress', 'Email', 'urn:oid:0.9.2342.19200300.100.1.3', `${CLAIMS}/emailaddress`],
  first_name: ['first_name', 'firstName', 'givenName', 'given_name', 'FirstName', 'urn:oid:2.5.4.42', `${CLAIMS}/givenname`],
  last_name: ['last_name', 'lastName', 'sn', 'surname', 'family_name', 'LastName', 'urn:oid:2.5.4.4', `${CLAIMS}/surname`],
  real_name: ['real_name', 'displayName', 'name', 'cn', 'urn:oid:2.16.840.1.113730.3.1.241', 'http://schemas.microsoft.com/identity/claims/displayname'],
  identity: [],
  groups: ['groups', 'memberOf', 'Groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'],
};

export type MappedIdentity = {
  /** The stable identifier at the IdP: the NameID unless an identity attribute is mapped. */
  subject: string;
  email: string | null;
  realName: string;
  firstName: string | null;
  lastName: string | null;
  groups: string[];
};

type Attributes = Record<string, unknown>;

function values(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map((v) => String(v).trim()).filter(Boolean);
}

/** The values of the attribute mapped to a field (the admin's name first, then the usual ones). */
export function attributeValues(attributes: Attributes, mapping: SamlFieldMapping, field: MappedField): string[] {
  const configured = mapping[field]?.trim();
  const names = configured ? [configured] : DEFAULT_ATTRIBUTE_NAMES[field];
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(attributes, name)) {
      const found = values(attributes[name]);
      if (found.length) return found;
    }
  }
  return [];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Maps a validated assertion's NameID and attributes. The email comes from the mapped attribute,
 * else from a NameID that is an address; it is lower-cased as our users' addresses are.
 */
export function mapAttributes({ nameId, attributes }: { nameId: string; attributes: Attributes }, mapping: SamlFieldMapping): MappedIdentity {
  const first = (field: MappedField) => attributeValues(attributes, mapping, field)[0] ?? null;
  const identity = mapping.identity?.trim() ? first('identity') : null;
  const mappedEmail = first('email');
  const emailCandidate = mappedEmail ?? (EMAIL.test(nameId) ? nameId : null);
  const email = emailCandidate && EMAIL.test(emailCandidate) ? emailCandidate.toLowerCase() : null;
  const firstName = first('first_name');
  const lastName = first('last_name');
  const realName = first('real_name') ?? [firstName, lastName].filter(Boolean).join(' ');
  return {
    subject: identity ?? nameId,
    email,
    realName: realName.slice(0, 256),
    firstName,
    lastName,
    groups: attributeValues(attributes, mapping, 'groups'),
  };
}
