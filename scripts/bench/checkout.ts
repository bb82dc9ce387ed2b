import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// `npm run bench -- --vs REF`: the production build of another commit, to measure beside this
// one. Its files come from `git archive` (no worktree left registered in the repository) into a
// folder under the system's temporary folder named after the commit, reused by later runs; its
// node_modules are hard links to ours (the bench compares code, not dependency versions).

export type Checkout = { ref: string; sha: string; dir: string };

export function builtCheckout(root: string, ref: string): Checkout {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
  const dir = path.join(os.tmpdir(), `portcullis-bench-build-${sha.slice(0, 12)}`);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    execFileSync('bash', ['-c', `git archive ${sha} | tar -x -C "${dir}"`], { cwd: root, stdio: 'inherit' });
  }
  if (!fs.existsSync(path.join(dir, 'node_modules'))) execFileSync('cp', ['-al', path.join(root, 'node_modules'), path.join(dir, 'node_modules')]);
  if (!fs.existsSync(path.join(dir, '.next', 'BUILD_ID'))) {
    console.log(`Building ${ref} (${sha.slice(0, 12)}) in ${dir}…`);
    execFileSync('npx', ['next', 'build'], { cwd: dir, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  }
  return { ref, sha, dir };
}

/**
 * What a production build of `dir` is made from: every file git tracks or would track, less
 * tests, docs, the end-to-end suite, the bench and scripts/ (run by tsx, never built).
 */
function buildInputsHash(dir: string): string {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && !/^(docs|e2e|bench|scripts|\.ci)\//.test(file) && !/\.test\.tsx?$/.test(file) && !file.endsWith('.md'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const full = path.join(dir, file);
    // A tracked file deleted in the worktree is listed but gone.
    if (fs.existsSync(full)) hash.update(file).update('\0').update(fs.readFileSync(full));
  }
  return hash.digest('hex');
}

/**
 * Builds `dir` unless its .next holds a build of exactly these inputs: the stamp names the build
 * (Next makes a new BUILD_ID each time, so a build made since by anything else, of other inputs,
 * does not pass for this one) and the hash of what it was built from. Returns whether it built.
 */
export function ensureBuild(dir: string): boolean {
  const stamp = path.join(dir, '.next', 'bench-inputs');
  const buildId = () => fs.readFileSync(path.join(dir, '.next', 'BUILD_ID'), 'utf8').trim();
  const inputs = buildInputsHash(dir);
  if (fs.existsSync(stamp) && fs.existsSync(path.join(dir, '.next', 'BUILD_ID')) && fs.readFileSync(stamp, 'utf8') === `${buildId()} ${inputs}`) return false;
  execFileSync('npx', ['next', 'build'], { cwd: dir, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  fs.writeFileSync(stamp, `${buildId()} ${inputs}`);
  return true;
}
