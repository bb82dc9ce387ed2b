// The parts of oidc-provider 8 the test peers use (the package ships no types).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  type Claims = Record<string, unknown>;
  export type Configuration = {
    clients?: Record<string, unknown>[];
    jwks?: { keys: unknown[] };
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    features?: Record<string, { enabled: boolean }>;
    interactions?: { url: (ctx: unknown, interaction: { uid: string }) => string | Promise<string> };
    cookies?: Record<string, unknown>;
    pkce?: { required?: (ctx: unknown, client: unknown) => boolean; methods?: string[] };
    findAccount?: (ctx: unknown, id: string) => Promise<{ accountId: string; claims: () => Promise<Claims> } | undefined>;
  };
  type InteractionDetails = { uid: string; prompt: { name: string; details: Claims }; params: Claims; session?: { accountId?: string } };
  class Grant {
    constructor(input: { accountId: string; clientId: string });
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: typeof Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Claims, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  }
}
