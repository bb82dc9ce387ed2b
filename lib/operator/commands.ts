import type { Ctx } from '@/lib/context';
import type { OperatorCall, OperatorOutcome, OperatorPreview } from './call';
import { copySecrets, operatorCopyToPostgres, previewCopyToPostgres } from './copy-to-postgres';
import { issueOperatorPasswordReset, previewPasswordReset } from './password-reset';
import { grantSuperAdmin, previewGrantSuperAdmin } from './super-admin';
import { operatorRemoveTwoFactor, previewRemoveTwoFactor } from './two-factor';
import { previewUnlockOrganization, unlockOrganization } from './unlock';

// The commands of `npm run admin` that change something: each names its arguments, shows what
// it would do (preview, read-only), and does it (apply, one transaction, audited as the
// operator). scripts/admin.ts runs them through lib/operator/cli.ts.

export type OperatorCommand = {
  name: string;
  /** Positional arguments, in order, as the help shows them. */
  args: readonly ('user' | 'organization' | 'postgres-url')[];
  /** Parts of the input never to print (a password in a URL): the terminal shows *** instead. */
  secrets?: (input: Record<string, string>) => string[];
  summary: string;
  example: string;
  preview: (call: { ctx: Ctx; input: Record<string, string> }) => Promise<OperatorPreview>;
  apply: (call: OperatorCall<Record<string, string>>) => Promise<OperatorOutcome>;
};

export const operatorCommands: readonly OperatorCommand[] = [
  {
    name: 'make-super-admin',
    args: ['user', 'organization'],
    summary: 'Make a user a super admin of an organization (adding them to it if needed).',
    example: 'npm run admin -- make-super-admin alice@example.com "Acme"',
    preview: previewGrantSuperAdmin,
    apply: grantSuperAdmin,
  },
  {
    name: 'reset-password',
    args: ['user'],
    summary: 'Print a one-time link (valid for one hour) with which the user sets a new password. Never shows a password.',
    example: 'npm run admin -- reset-password alice@example.com',
    preview: previewPasswordReset,
    apply: issueOperatorPasswordReset,
  },
  {
    name: 'unlock-organization',
    args: ['organization'],
    summary: 'Turn password sign-in back on and clear the IP allowlist of an organization that locked itself out.',
    example: 'npm run admin -- unlock-organization org1a2b3c4d5e6',
    preview: previewUnlockOrganization,
    apply: unlockOrganization,
  },
  {
    name: 'remove-2fa',
    args: ['user'],
    summary: "Remove a user's two-factor authentication (authenticator app and recovery codes).",
    example: 'npm run admin -- remove-2fa alice@example.com',
    preview: previewRemoveTwoFactor,
    apply: operatorRemoveTwoFactor,
  },
  {
    name: 'copy-to-postgres',
    args: ['postgres-url'],
    summary:
      'Copy this SQLite database into an empty PostgreSQL database and verify it (rows and a checksum per table), to move the installation.',
    example: 'PGPASSWORD=... npm run admin -- copy-to-postgres postgres://portcullis@db.example.com:5432/portcullis',
    secrets: copySecrets,
    preview: previewCopyToPostgres,
    apply: operatorCopyToPostgres,
  },
];
