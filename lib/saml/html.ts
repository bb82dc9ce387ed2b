import type { SamlTrace } from './acs';
import type { SamlError } from './errors';

// The pages the SSO routes answer with themselves: a refused sign-in with its reason, and the
// admin's test trace. Plain HTML with every value escaped: assertion contents are the IdP's words.

const escape = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Portcullis</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;margin:0;padding:2rem 1rem}
main{max-width:46rem;margin:0 auto;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:2rem}
h1{margin:0 0 .75rem;font-size:1.25rem} h2{font-size:1rem;margin:1.5rem 0 .5rem}
table{border-collapse:collapse;width:100%;font-size:.875rem} th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-top:1px solid #e2e8f0}
th{width:12rem;color:#475569;font-weight:600} code,td{word-break:break-all}
.fail{border:1px solid #fecaca;background:#fef2f2;color:#991b1b;border-radius:.5rem;padding:.75rem 1rem}
.pass{border:1px solid #bbf7d0;background:#f0fdf4;color:#166534;border-radius:.5rem;padding:.75rem 1rem}
.muted{color:#475569;font-size:.875rem} a{color:#1d4ed8}
</style></head><body><main>${body}</main></body></html>`;
}

const row = (label: string, value: unknown) => `<tr><th scope="row">${escape(label)}</th><td>${value === null || value === undefined || value === '' ? '<span class="muted">(none)</span>' : escape(value)}</td></tr>`;

/**
 * A refused sign-in: what failed, in words, and the way back (or the ways on, when given).
 * `recorded: false` for refusals that are no attempt worth an audit entry (a wrong method).
 */
export function failurePage(
  error: SamlError,
  next: readonly { href: string; label: string }[] = [{ href: '/signin', label: 'Back to sign-in' }],
  { recorded = true }: { recorded?: boolean } = {},
): string {
  return page(
    'Single sign-on refused',
    `<h1>Single sign-on refused</h1>
<div class="fail" role="alert" data-reason="${escape(error.reason)}"><strong>${escape(error.check)}:</strong> ${escape(error.message)}</div>
<p class="muted">${recorded ? "The attempt was recorded in the organization's audit log. " : ''}${next.map((link) => `<a href="${escape(link.href)}">${escape(link.label)}</a>`).join(' · ')}</p>`,
  );
}

function attributesTable(attributes: Record<string, unknown>): string {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return '<p class="muted">No attributes.</p>';
  return `<table aria-label="Attributes"><tbody>${entries.map(([name, value]) => row(name, Array.isArray(value) ? value.join(', ') : typeof value === 'object' ? JSON.stringify(value) : value)).join('')}</tbody></table>`;
}

/** The admin's "Test sign-in": the decoded assertion, or the exact check that failed. */
export function tracePage(trace: SamlTrace): string {
  const { verified, decoded, mapped, failure } = trace;
  const verdict = failure
    ? `<div class="fail" role="alert" data-reason="${escape(failure.reason)}"><strong>Failed check: ${escape(failure.check)}.</strong> ${escape(failure.message)}</div>`
    : `<div class="pass" role="status"><strong>All checks passed.</strong> Signature, issuer, audience, destination and recipient, InResponseTo, validity period and one-time use. Nobody was signed in: this was a test.</div>`;
  const assertion = verified
    ? `<h2>Assertion (verified)</h2><table aria-label="Assertion"><tbody>
${row('Issuer', verified.issuer)}${row('Subject (NameID)', verified.nameId)}${row('NameID format', verified.nameIdFormat)}
${row('Assertion ID', verified.assertionId)}${row('InResponseTo', verified.inResponseTo)}
${row('Not before', verified.notBefore)}${row('Not on or after', verified.notOnOrAfter)}${row('Audience', verified.audiences.join(', '))}
</tbody></table><h2>Attributes</h2>${attributesTable(verified.attributes)}`
    : decoded
      ? `<h2>What the response claims (not verified)</h2><table aria-label="Assertion"><tbody>
${row('Issuer', decoded.issuer ?? decoded.responseIssuer)}${row('Subject (NameID)', decoded.subject)}${row('Destination', decoded.destination)}
${row('Recipient', decoded.recipient)}${row('InResponseTo', decoded.inResponseTo)}${row('Not before', decoded.notBefore)}
${row('Not on or after', decoded.notOnOrAfter)}${row('Audience', decoded.audiences.join(', '))}
${row('Assertion signed', decoded.assertionSigned ? 'yes' : 'no')}${row('Response signed', decoded.responseSigned ? 'yes' : 'no')}
</tbody></table><h2>Attributes (not verified)</h2>${attributesTable(decoded.attributes)}`
      : '<p class="muted">The response could not be decoded.</p>';
  const mapping = mapped
    ? `<h2>Mapped to</h2><table aria-label="Mapped identity"><tbody>${row('Identity', mapped.subject)}${row('Email', mapped.email)}${row('First name', mapped.firstName)}${row('Last name', mapped.lastName)}${row('Real name', mapped.realName)}${row('Groups', mapped.groups.join(', '))}</tbody></table>`
    : '';
  return page(
    `SAML trace: ${trace.methodName}`,
    `<h1>SAML trace: ${escape(trace.methodName)}</h1>${verdict}${assertion}${mapping}
<p class="muted">You can close this tab.</p>`,
  );
}

export function htmlResponse(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page carries no script; nothing may frame it.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      ...headers,
    },
  });
}
