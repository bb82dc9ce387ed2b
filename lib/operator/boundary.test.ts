import { describe, expect, it } from 'vitest';
import { readRepoFile, sourceFiles } from '@/lib/testing/source-files';

// The operator's commands act with no one signed in and no check of rights: whoever can run
// them on the server host holds the database anyway. They must stay out of reach of every
// request, and only they may write an audit event that reads "operator (server host)". So no
// page, action, route or the proxy imports lib/operator, and outside lib/audit/record.ts (which
// defines it), lib/audit's readers and lib/operator, nothing names the operator's actor id or
// records an operator event. This test fails on a new path.

const files = ['app', 'lib', 'components', 'proxy.ts', 'scripts', 'db'].flatMap(sourceFiles);

describe('operator recovery stays on the server host', () => {
  it('scans the source tree (and would notice it moved)', () => {
    expect(files).toContain('proxy.ts');
    expect(files).toContain('scripts/admin.ts');
    expect(files).toContain('lib/operator/cli.ts');
    expect(files.filter((f) => f.startsWith('app/')).length).toBeGreaterThan(20);
  });

  it('only scripts/admin.ts and lib/operator itself import lib/operator', () => {
    const importers = files.filter((f) => !f.startsWith('lib/operator/') && /(from\s+|import\s*\()['"][^'"]*lib\/operator\//.test(readRepoFile(f)));
    expect(importers).toEqual(['scripts/admin.ts']);
  });

  it('only lib/operator records operator events, and only lib/audit names the operator actor', () => {
    const recorders = files.filter((f) => /recordOperatorAudit\s*\(/.test(readRepoFile(f)) && f !== 'lib/audit/record.ts');
    expect(recorders.every((f) => f.startsWith('lib/operator/')), recorders.join(', ')).toBe(true);
    expect(recorders.length).toBeGreaterThanOrEqual(4);
    const namers = files.filter((f) => /OPERATOR_ACTOR_ID/.test(readRepoFile(f)));
    expect(namers.sort()).toEqual(['lib/audit-log/query.ts', 'lib/audit/record.ts']);
  });
});
