import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { CLOCK_SKEW_MS, validateSamlResponse, type ExpectedResponse } from '@/lib/saml/validate';
import { verificationKeys } from '@/lib/saml/verification-keys';
import { TestIdp } from '@/lib/testing/saml-idp';

// SAML validations per CPU-second, in process (issue 18): signs --responses responses with a
// TestIdp, then validates them in turn for --seconds of wall time and divides the count by the
// CPU time this process used meanwhile (user + system), which waiting for a busy machine's cores
// does not inflate (contention for caches and memory still does: compare in one run).
//
//   npx tsx scripts/bench/saml-profile.ts [--seconds=3] [--responses=200]
//     --library        node-saml's validatePostResponseAsync alone, on one SAML instance made
//                      beforehand with the keys we hand it: the library's own ceiling, none of
//                      our checks around it.
//     --against=DIR    this checkout's validateSamlResponse against DIR's (another checkout,
//                      with node_modules), interleaved in this one process: --rounds pairs
//                      (default 10), each side --seconds ÷ rounds per turn, so both see the
//                      same load; reports each side's rate and the median ratio with its range.
//                      --against=library compares with --library's loop instead.
//   SAML_CPU_PROFILE=file.cpuprofile  profiles the measured loop alone (not the signing), as
//                      --cpu-prof would (open it in Chrome DevTools).

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const seconds = Number(option('seconds') ?? 3);
const count = Number(option('responses') ?? 200);
const libraryOnly = process.argv.includes('--library');
const against = option('against');
const rounds = Number(option('rounds') ?? 10);

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

type Validate = (response: string) => Promise<void>;

function libraryValidate(): Validate {
  const library = new SAML({
    idpCert: expected.certificates.map((pem) => verificationKeys.pemFor(pem)),
    issuer: entityId,
    callbackUrl: acsUrl,
    audience: entityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.never,
  });
  return async (response) => {
    const { profile } = await library.validatePostResponseAsync({ SAMLResponse: response });
    if (!profile) throw new Error('no profile');
  };
}

const ours: Validate = async (response) => {
  await validateSamlResponse(response, expected, new Date());
};

/** Validates for `ms` of wall time from response `from` on: how many, and the CPU seconds they took. */
async function run(validate: Validate, ms: number, from = 0): Promise<{ validated: number; cpuSeconds: number; wallSeconds: number }> {
  let validated = 0;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const until = wallBefore + ms;
  while (performance.now() < until) await validate(responses[(from + validated++) % count]!);
  const cpu = process.cpuUsage(cpuBefore);
  return { validated, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (performance.now() - wallBefore) / 1000 };
}

async function otherCheckout(dir: string): Promise<Validate> {
  const other = (await import(pathToFileURL(path.resolve(dir, 'lib/saml/validate.ts')).href)) as typeof import('@/lib/saml/validate');
  return async (response) => {
    await other.validateSamlResponse(response, expected, new Date());
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

if (against) {
  const theirs: Validate = against === 'library' ? libraryValidate() : await otherCheckout(against);
  for (let i = 0; i < 50; i++) {
    await ours(responses[i % count]!);
    await theirs(responses[i % count]!);
  }
  const slice = (seconds * 1000) / rounds;
  const totals = { ours: { validated: 0, cpu: 0 }, theirs: { validated: 0, cpu: 0 } };
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate who goes first, so that neither always follows the other's garbage.
    let a: Awaited<ReturnType<typeof run>>;
    let b: Awaited<ReturnType<typeof run>>;
    if (r % 2 === 0) {
      a = await run(ours, slice, r * 97);
      b = await run(theirs, slice, r * 97);
    } else {
      b = await run(theirs, slice, r * 97);
      a = await run(ours, slice, r * 97);
    }
    totals.ours.validated += a.validated;
    totals.ours.cpu += a.cpuSeconds;
    totals.theirs.validated += b.validated;
    totals.theirs.cpu += b.cpuSeconds;
    ratios.push(a.validated / a.cpuSeconds / (b.validated / b.cpuSeconds));
  }
  ratios.sort((x, y) => x - y);
  console.log(
    JSON.stringify({
      this_checkout_per_cpu_second: round1(totals.ours.validated / totals.ours.cpu),
      against_per_cpu_second: round1(totals.theirs.validated / totals.theirs.cpu),
      ratio_median: Math.round(ratios[Math.floor(ratios.length / 2)]! * 1000) / 1000,
      ratio_range: [Math.round(ratios[0]! * 1000) / 1000, Math.round(ratios.at(-1)! * 1000) / 1000],
      rounds,
    }),
  );
} else {
  const validate = libraryOnly ? libraryValidate() : ours;
  // Warm-up: the JIT and the key cache fill before the clock starts.
  for (let i = 0; i < 50; i++) await validate(responses[i % count]!);

  const profileFile = process.env.SAML_CPU_PROFILE;
  const session = profileFile ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const { validated, cpuSeconds, wallSeconds } = await run(validate, seconds * 1000);
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
      per_cpu_second: round1(validated / cpuSeconds),
      per_wall_second: round1(validated / wallSeconds),
    }),
  );
}
