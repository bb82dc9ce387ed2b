import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { CLOCK_SKEW_MS, validateSamlResponse, type ExpectedResponse } from '@/lib/saml/validate';
import { TestIdp } from '@/lib/testing/saml-idp';

// SAML validations per CPU-second, in process, for profiling (issue 18): signs RESPONSES
// responses with a TestIdp, then validates them in turn for SECONDS of wall time and divides
// the count by the CPU time this process used (user + system), which other load on the machine
// does not inflate. Run: npx tsx scripts/bench/saml-profile.ts [seconds] [responses] [library]
// With `library`, only @node-saml/node-saml's validatePostResponseAsync runs, on one SAML
// instance made beforehand: the library's own ceiling, with none of our checks around it.
// With SAML_CPU_PROFILE=file.cpuprofile, the measured loop alone (not the signing) is profiled
// into that file (V8's sampling profiler, as --cpu-prof writes it; open it in Chrome DevTools).

const seconds = Number(process.argv[2] ?? 3);
const count = Number(process.argv[3] ?? 200);
const libraryOnly = process.argv[4] === 'library';

const idp = await TestIdp.create();
const acsUrl = 'https://console.example.test/auth/saml/acs/m1';
const entityId = 'https://console.example.test/auth/saml/metadata/m1';
const responses = Array.from({ length: count }, () =>
  idp.response({ acsUrl, audience: entityId, nameId: 'bench@example.test', attributes: { email: 'bench@example.test' } }),
);
const expected: ExpectedResponse = {
  method: { id: 'm1', samlEntityId: idp.entityId, samlIdpLoginAllowed: true, samlAssertionSignedEnabled: true },
  certificates: [idp.certificate],
  entityId,
  acsUrl,
  requestId: null,
};

const library = new SAML({
  idpCert: expected.certificates,
  issuer: entityId,
  callbackUrl: acsUrl,
  audience: entityId,
  wantAssertionsSigned: true,
  wantAuthnResponseSigned: false,
  acceptedClockSkewMs: CLOCK_SKEW_MS,
  validateInResponseTo: ValidateInResponseTo.never,
});
const validate = libraryOnly
  ? async (response: string) => {
      const { profile } = await library.validatePostResponseAsync({ SAMLResponse: response });
      if (!profile) throw new Error('no profile');
    }
  : async (response: string) => {
      await validateSamlResponse(response, expected, new Date());
    };

// Warm-up: the JIT and any cache fill before the clock starts.
for (let i = 0; i < 50; i++) await validate(responses[i % count]!);

const profileFile = process.env.SAML_CPU_PROFILE;
const session = profileFile ? new Session() : null;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}

let validated = 0;
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const until = Date.now() + seconds * 1000;
while (Date.now() < until) await validate(responses[validated++ % count]!);
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const wallSeconds = (performance.now() - wallBefore) / 1000;
if (session && profileFile) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileFile, JSON.stringify(profile));
  session.disconnect();
}
console.log(
  JSON.stringify({
    measured: libraryOnly ? 'node-saml validatePostResponseAsync alone' : 'validateSamlResponse',
    validations: validated,
    cpu_seconds: Math.round(cpuSeconds * 1000) / 1000,
    wall_seconds: Math.round(wallSeconds * 1000) / 1000,
    per_cpu_second: Math.round((validated / cpuSeconds) * 10) / 10,
    per_wall_second: Math.round((validated / wallSeconds) * 10) / 10,
  }),
);
