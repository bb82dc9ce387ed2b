// The user_config JSON Schema of each service type: the one source of truth for the /v1 API's
// validation, GET /v1/project/{project}/service-types/{type} (which `avn service update -c` reads to
// type each value), the server actions and the Advanced configuration form. Plain data, no
// imports: the browser loads it too.
//
// avn needs a `type` on every property (it crashes without one), converts a -c value by it
// (`string` stays a string, `integer` through int(v, 0), `boolean` from 1/0/true/false) and sends
// null for --remove-option only where the type lists "null". Keys whose removal would leave the
// object invalid (OpenSearch's required jwt.enabled and jwt.signing_key) do not list it.

export type JsonSchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

export type JsonSchema = {
  type: JsonSchemaType | JsonSchemaType[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  format?: 'uri';
  default?: unknown;
  example?: unknown;
  /** Ours: the value is a secret, masked in the console and the audit log. */
  'x-secret'?: boolean;
  /** Ours: changing the value restarts the service's brokers one by one (Kafka). */
  'x-rolling-restart'?: boolean;
};

export const SERVICE_TYPES = ['kafka', 'opensearch'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** One line, no CR or LF (Kafka and OpenSearch settings are single-line values). */
const SINGLE_LINE = '^[^\\r\\n]*$';

const kafka: JsonSchema = {
  type: 'object',
  title: 'Kafka broker configuration values',
  properties: {
    sasl_oauthbearer_jwks_endpoint_url: {
      type: ['string', 'null'],
      title: 'JWKS endpoint URL',
      description:
        'Where the brokers fetch the JSON Web Key Set that signs OAUTHBEARER tokens. Setting it turns on OAuth2/OIDC authentication (Apache Kafka sasl.oauthbearer.jwks.endpoint.url).',
      maxLength: 2048,
      // new URL() drops a line break (and accepts the rest), so the URL is refused with one.
      pattern: SINGLE_LINE,
      format: 'uri',
      example: 'https://idp.example.com/.well-known/jwks.json',
      'x-rolling-restart': true,
    },
    sasl_oauthbearer_expected_issuer: {
      type: ['string', 'null'],
      title: 'Expected issuer',
      description: 'The iss claim a token must carry (sasl.oauthbearer.expected.issuer). Unset: any issuer.',
      maxLength: 128,
      pattern: SINGLE_LINE,
      example: 'https://idp.example.com/',
      'x-rolling-restart': true,
    },
    sasl_oauthbearer_expected_audience: {
      type: ['string', 'null'],
      title: 'Expected audience',
      description:
        'Audiences the brokers accept, separated by commas (sasl.oauthbearer.expected.audience); a token must name at least one in its aud claim. Unset: any audience.',
      maxLength: 128,
      pattern: SINGLE_LINE,
      example: 'kafka-prod,kafka-analytics',
      'x-rolling-restart': true,
    },
    sasl_oauthbearer_sub_claim_name: {
      type: ['string', 'null'],
      title: 'Subject claim name',
      description: 'The claim that names the principal (sasl.oauthbearer.sub.claim.name).',
      maxLength: 128,
      pattern: '^[^\\r\\n]*\\S[^\\r\\n]*$',
      default: 'sub',
      example: 'sub',
      'x-rolling-restart': true,
    },
  },
  additionalProperties: false,
};

const jwt: JsonSchema = {
  type: ['object', 'null'],
  title: 'OpenSearch JWT authentication',
  description: 'Sign-in to OpenSearch with JSON Web Tokens verified against a known signing key.',
  properties: {
    enabled: {
      type: 'boolean',
      title: 'Enable JWT authentication',
      description: 'Whether OpenSearch accepts JWTs at all.',
      default: false,
      example: true,
    },
    signing_key: {
      type: 'string',
      title: 'Signing key',
      description:
        'Verifies token signatures: an RSA or ECDSA public key (the PEM, base64 of the PEM, or base64 of its DER), or an HMAC secret encoded in base64 (at least 32 bytes). Stored base64-encoded: a public key as base64 of its DER.',
      minLength: 1,
      maxLength: 1024,
      example: 'c2VjcmV0LWtleS1mb3ItaG1hYy1zaWduZWQtdG9rZW5zLTEyMzQ1Njc4OTA=',
      'x-secret': true,
    },
    jwt_header: {
      type: ['string', 'null'],
      title: 'HTTP header name',
      description: 'The HTTP header that carries the token.',
      minLength: 1,
      maxLength: 256,
      pattern: SINGLE_LINE,
      default: 'Authorization',
      example: 'Authorization',
    },
    jwt_url_parameter: {
      type: ['string', 'null'],
      title: 'URL parameter name',
      description: 'A query parameter that may carry the token instead of the header.',
      minLength: 1,
      maxLength: 256,
      pattern: SINGLE_LINE,
      example: 'token',
    },
    subject_key: {
      type: ['string', 'null'],
      title: 'Subject claim',
      description: 'The claim that holds the user name.',
      minLength: 1,
      maxLength: 256,
      pattern: SINGLE_LINE,
      default: 'sub',
      example: 'preferred_username',
    },
    roles_key: {
      type: ['string', 'null'],
      title: 'Roles claim',
      description: 'The claim that holds the user’s backend roles. Unset: roles are managed in OpenSearch.',
      minLength: 1,
      maxLength: 256,
      pattern: SINGLE_LINE,
      example: 'roles',
    },
    required_audience: {
      type: ['string', 'null'],
      title: 'Required audience',
      description: 'A value the aud claim must hold.',
      minLength: 1,
      maxLength: 1024,
      pattern: SINGLE_LINE,
      example: 'opensearch',
    },
    required_issuer: {
      type: ['string', 'null'],
      title: 'Required issuer',
      description: 'The value the iss claim must hold.',
      minLength: 1,
      maxLength: 1024,
      pattern: SINGLE_LINE,
      example: 'https://idp.example.com/',
    },
    jwt_clock_skew_tolerance_seconds: {
      type: ['integer', 'null'],
      title: 'Clock skew tolerance (seconds)',
      description: 'How far the issuer’s clock may differ from the service’s when checking exp and nbf.',
      minimum: 0,
      maximum: 300,
      default: 20,
      example: 30,
    },
  },
  required: ['enabled', 'signing_key'],
  additionalProperties: false,
};

export const USER_CONFIG_SCHEMAS: Record<ServiceType, JsonSchema> = {
  kafka: {
    type: 'object',
    title: 'Kafka user configurable settings',
    properties: { kafka },
    additionalProperties: false,
  },
  opensearch: {
    type: 'object',
    title: 'OpenSearch user configurable settings',
    properties: { jwt },
    additionalProperties: false,
  },
};

export const SERVICE_TYPE_DESCRIPTIONS: Record<ServiceType, string> = {
  kafka: 'Apache Kafka: its OAUTHBEARER (OAuth2/OIDC) settings',
  opensearch: 'OpenSearch: its JWT authentication settings',
};

/** The plans a service may be created with; Portcullis runs no nodes, the plan is a label. */
export const SERVICE_PLANS: Record<ServiceType, readonly string[]> = {
  kafka: ['startup-2', 'business-4', 'business-8', 'premium-6x-8'],
  opensearch: ['startup-4', 'business-4', 'business-8', 'premium-6x-8'],
};

/** The types of a schema node as a list. */
export function typesOf(schema: JsonSchema): JsonSchemaType[] {
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

export type ConfigOption = { key: string; path: string[]; schema: JsonSchema };

/** Every leaf of a service type's schema, keyed as avn's -c takes them ("kafka.sasl_oauthbearer_sub_claim_name"). */
export function configOptions(serviceType: ServiceType): ConfigOption[] {
  const out: ConfigOption[] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (typesOf(child).includes('object')) walk(child, [...path, name]);
      else out.push({ key: [...path, name].join('.'), path: [...path, name], schema: child });
    }
  };
  walk(USER_CONFIG_SCHEMAS[serviceType], []);
  return out;
}

/** The constraints of a leaf in words, for the form: "string, 1 to 256 characters, one line". */
export function describeConstraints(schema: JsonSchema): string {
  const parts: string[] = [typesOf(schema).filter((t) => t !== 'null').join(' or ')];
  const { minLength, maxLength, minimum, maximum } = schema;
  if (minLength !== undefined && maxLength !== undefined) parts.push(`${minLength} to ${maxLength} characters`);
  else if (maxLength !== undefined) parts.push(`at most ${maxLength} characters`);
  if (minimum !== undefined && maximum !== undefined) parts.push(`${minimum} to ${maximum}`);
  if (schema.format === 'uri') parts.push('an http or https URL');
  if (schema.pattern === SINGLE_LINE) parts.push('one line');
  else if (schema.pattern) parts.push('one line, not blank');
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}
