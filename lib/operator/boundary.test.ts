import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The operator's commands act with no one signed in and no check of rights: whoever can run
// them on the server host holds the database anyway. They must stay out of reach of every
// request, and only they may write an audit event that reads "operator (server host)". So no
// page, action, route or the proxy imports lib/operator, and outside lib/audit/record.ts (which
// defines it), lib/audit's readers and lib/operator, nothing names the operator's actor id or
// records an operator event. This test fails on a new path.

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((child) => {
    const rel = path.join(entry, child.name);
    if (child.isDirectory()) return child.name === 'node_modules' || child.name.startsWith('.') ? [] : sourceFiles(rel);
    return /\.(ts|tsx|js|mjs)$/.test(child.name) && !/\.test\.tsx?$/.test(child.name) ? [rel] : [];
  });
}

const files = ['app', 'lib', 'components', 'proxy.ts', 'scripts', 'db'].flatMap(sourceFiles).map((f) => f.split(path.sep).join('/'));
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('operator recovery stays on the server host', () => {
  it('scans the source tree (and would notice it moved)', () => {
    expect(files).toContain('proxy.ts');
    expect(files).toContain('scripts/admin.ts');
    expect(files).toContain('lib/operator/cli.ts');
    expect(files.filter((f) => f.startsWith('app/')).length).toBeGreaterThan(20);
  });

  it('only scripts/admin.ts and lib/operator itself import lib/operator', () => {
    const importers = files.filter((f) => !f.startsWith('lib/operator/') && /(from\s+|import\s*\()['"][^'"]*lib\/operator\//.test(read(f)));
    expect(importers).toEqual(['scripts/admin.ts']);
  });

  it('only lib/operator records operator events, and only lib/audit names the operator actor', () => {
    const recorders = files.filter((f) => /recordOperatorAudit\s*\(/.test(read(f)) && f !== 'lib/audit/record.ts');
    expect(recorders.every((f) => f.startsWith('lib/operator/')), recorders.join(', ')).toBe(true);
    expect(recorders.length).toBeGreaterThanOrEqual(4);
    const namers = files.filter((f) => /OPERATOR_ACTOR_ID/.test(read(f)));
    expect(namers.sort()).toEqual(['lib/audit/query.ts', 'lib/audit/record.ts']);
  });
});
