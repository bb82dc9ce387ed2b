import fs from 'node:fs';
import path from 'node:path';

// The repository's own source files, for tests that scan the tree for a rule (who reads the
// client address, who imports lib/operator). Test files, dot folders and node_modules are left out.

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Source files (.ts, .tsx, .js, .mjs) under `entry` (a folder or a file), as repo paths with "/". */
export function sourceFiles(entry: string): string[] {
  const full = path.join(REPO_ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((child) => {
    const rel = `${entry}/${child.name}`;
    if (child.isDirectory()) return child.name === 'node_modules' || child.name.startsWith('.') ? [] : sourceFiles(rel);
    return /\.(ts|tsx|js|mjs)$/.test(child.name) && !/\.test\.tsx?$/.test(child.name) ? [rel] : [];
  });
}

/** A repo file's text. */
export const readRepoFile = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
