import { execFileSync } from 'node:child_process';
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
