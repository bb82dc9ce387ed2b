import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect, login, test } from '../support/fixtures';
import { addJwtSigningKeyOption, createProjectWithService, openSearchLogs } from '../support/services';
import { unique } from '../support/seed';

// Service → Advanced configuration → jwt.signing_key, with a key in the forms seed 003 gives:
// what is refused says why beside the field, and the saved key shows as its type and size.

const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }) as string;
const b64 = (text: string) => Buffer.from(text).toString('base64');

test('OpenSearch signing key: base64 of a PEM is saved as the RSA key it is; bad keys are refused beside the field', async ({ page, member, signInAs, request }, testInfo) => {
  const project = unique('search').toLowerCase();
  await createProjectWithService(request, await login(request, member.email, member.password), { project, service: openSearchLogs });

  await signInAs(member);
  const config = await addJwtSigningKeyOption(page, project);
  const option = page.locator('[data-option="jwt.signing_key"]');
  await expect(option).toContainText('the PEM, base64 of the PEM, or base64 of its DER');
  await expect(config.getByLabel('RSA/ECDSA')).toBeChecked();
  const key = config.getByLabel('jwt.signing_key', { exact: true });
  const save = config.getByRole('button', { name: 'Save configuration' });

  // PEM text in base64 that is no key: the reason, not an HMAC secret.
  await key.fill(b64('-----BEGIN PUBLIC KEY-----\nTUlJQklqQU5CZ2txaGtpRzl3MEJBUUVGQUFPQ0FROEFNSUlCQ2c=\n-----END PUBLIC KEY-----\n'));
  await save.click();
  await expect(key).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#opt-jwt-signing_key-error')).toHaveText(
    "not a readable PEM public key (it is base64 of a PEM block): the block's body is damaged or is no RSA/ECDSA public key",
  );

  // A private key pasted by mistake.
  await key.fill(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
  await save.click();
  await expect(page.locator('#opt-jwt-signing_key-error')).toHaveText(
    'that is a private key: a key that verifies tokens must be public, and a private key is never stored; give its public key (openssl pkey -pubout)',
  );

  // Over 1,024 characters: the browser does not stop at the length; the server names what fits.
  const big = generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey;
  await key.fill(b64(pem(big)));
  await save.click();
  await expect(page.locator('#opt-jwt-signing_key-error')).toHaveText(
    `1,068 characters, over the limit of 1,024: give this RSA 4096-bit public key as the PEM itself (${pem(big).trim().length} characters) or as base64 of its DER, the PEM's body without header lines (736 characters)`,
  );
  await page.screenshot({ path: testInfo.outputPath('signing-key-refused.png'), fullPage: true });

  // The seed's form: base64 of an RSA PEM.
  await key.fill(b64(pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey)));
  await save.click();
  await expect(config.getByRole('status')).toHaveText('Saved: 2 options changed');
  await expect(option).toContainText(/Saved: RSA 2048-bit public key •{8} \(sha256 [0-9a-f]{8}\)\. Leave empty to keep it\./);
  await expect(key).not.toHaveAttribute('aria-invalid', 'true');

  // A raw EC PEM replaces it.
  await key.fill(pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey));
  await save.click();
  await expect(config.getByRole('status')).toHaveText('Saved: 1 option changed');
  await expect(option).toContainText(/Saved: ECDSA P-384 public key •{8} \(sha256 [0-9a-f]{8}\)/);
  await page.screenshot({ path: testInfo.outputPath('signing-key-saved.png'), fullPage: true });
});
