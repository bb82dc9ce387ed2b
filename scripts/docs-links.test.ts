import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README is a map: the reference lives in docs/*.md, and SECURITY.md and ARCHITECTURE.md
// point into the code. When a page or a file moves, a link to it goes stale without anyone
// noticing; this test notices. It checks every relative Markdown link (the file, and the
// heading after `#`), every repo path written in backticks (`lib/saml/validate.ts`), and that
// the README links every page of docs/.

const ROOT = path.resolve(__dirname, '..');
const DOCS_DIR = 'docs';

/** The pages checked, relative to the repository root. */
function markdownFiles(root: string = ROOT): string[] {
  const docs = fs
    .readdirSync(path.join(root, DOCS_DIR))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `${DOCS_DIR}/${name}`);
  return ['README.md', 'SECURITY.md', 'ARCHITECTURE.md', ...docs].filter((file) => fs.existsSync(path.join(root, file)));
}

/** The text outside fenced code blocks: a `# comment` in a shell example is no heading, a `[x](y)` there no link. */
function withoutFences(text: string): string {
  let inFence = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
export function slugOf(heading: string): string {
  return heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_]{1,2}([^*_]+)[*_]{1,2}/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a page offers, with GitHub's -1, -2 ... for repeated headings. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutFences(text).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = slugOf(match[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of the Markdown links in a page, code spans and fenced blocks left out. */
export function linkTargets(text: string): string[] {
  const prose = withoutFences(text).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\[[^\]\n]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1]!);
}

// A backticked path counts as a repo path when it starts at one of these: `lib/net/cidr.ts`,
// `e2e/support/`. Globs and elided paths (`lib/**/*.test.ts`, `app/v1/sso/.../login/route.ts`)
// name no single file and are left alone.
const REPO_PATH = /^(app|components|db|docs|e2e|lib|public|scripts|bench)\/[\w./[\]()@-]*$/;

/** The repo paths a page names in backticks; `lib/x.ts: fn` names lib/x.ts. */
export function codePaths(text: string): string[] {
  const paths: string[] = [];
  for (const match of withoutFences(text).matchAll(/`([^`\n]+)`/g)) {
    const candidate = match[1]!.split(/[:\s]/)[0]!;
    if (REPO_PATH.test(candidate) && !candidate.includes('...')) paths.push(candidate);
  }
  return paths;
}

/** What is wrong with the links of one page, as readable lines; empty when all resolve. */
export function brokenLinks(file: string, text: string, root: string = ROOT): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (target: string) => {
    if (!anchorCache.has(target)) anchorCache.set(target, anchorsOf(fs.readFileSync(path.join(root, target), 'utf8')));
    return anchorCache.get(target)!;
  };
  for (const target of linkTargets(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = rawPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(rawPath)));
    if (resolved.startsWith('..') || path.posix.isAbsolute(resolved)) {
      problems.push(`${file}: ${target} leaves the repository`);
      continue;
    }
    if (!fs.existsSync(path.join(root, resolved))) {
      problems.push(`${file}: ${target} names ${resolved}, which does not exist`);
      continue;
    }
    const anchors = rawPath === '' ? anchorsOf(text) : resolved.endsWith('.md') ? anchorsIn(resolved) : null;
    if (anchor !== undefined && anchors && !anchors.has(anchor)) {
      problems.push(`${file}: ${target} names no heading of ${resolved}`);
    }
  }
  for (const codePath of codePaths(text)) {
    if (!fs.existsSync(path.join(root, codePath))) problems.push(`${file}: \`${codePath}\` does not exist`);
  }
  return problems;
}

describe('the documentation links', () => {
  const files = markdownFiles();

  it('checks the README, SECURITY.md, ARCHITECTURE.md and every page of docs/', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'ARCHITECTURE.md', 'docs/api.md']));
  });

  it.each(files)('%s: every relative link and backticked repo path resolves', (file) => {
    expect(brokenLinks(file, fs.readFileSync(path.join(ROOT, file), 'utf8'))).toEqual([]);
  });

  it('the README links every page of docs/', () => {
    const linked = new Set(
      linkTargets(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).map((target) => target.split('#')[0]),
    );
    const unlinked = files.filter((file) => file.startsWith(`${DOCS_DIR}/`) && !linked.has(file));
    expect(unlinked).toEqual([]);
  });
});

describe('the link checker itself', () => {
  it('makes the anchors GitHub makes', () => {
    expect(slugOf('Passwords: change and reset')).toBe('passwords-change-and-reset');
    expect(slugOf('Admin → Authentication policy')).toBe('admin--authentication-policy');
    expect(slugOf("A member's page")).toBe('a-members-page');
    expect(slugOf('What `npm test` runs')).toBe('what-npm-test-runs');
    expect(slugOf('OpenSearch signing keys, Kafka audiences and plans')).toBe('opensearch-signing-keys-kafka-audiences-and-plans');
    expect([...anchorsOf('# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('reports a missing file, a missing heading, a link out of the repository and a stale code path', () => {
    const page = [
      'See [the API](docs/api.md#routes) and [nothing](docs/nowhere.md).',
      'Also [a heading that is gone](docs/api.md#no-such-heading), [up](../outside.md),',
      '[this page](#top), [a gone part of it](#bottom) and [the web](https://example.com/x.md).',
      '# Top',
      'Checked in `lib/errors.ts: toAppError`, once in `lib/gone/away.ts`; `lib/**/*.test.ts` is a glob, `app/v1/sso/.../acs` elided.',
      '`[not a link](docs/nowhere.md)`',
      '```sh',
      '[not a link either](docs/nowhere.md) `lib/gone/too.ts`',
      '```',
    ].join('\n');
    expect(brokenLinks('README.md', page)).toEqual([
      'README.md: docs/nowhere.md names docs/nowhere.md, which does not exist',
      'README.md: docs/api.md#no-such-heading names no heading of docs/api.md',
      'README.md: ../outside.md leaves the repository',
      'README.md: #bottom names no heading of README.md',
      'README.md: `lib/gone/away.ts` does not exist',
    ]);
  });

  it('resolves links relative to the page that holds them', () => {
    expect(brokenLinks('docs/x.md', '[up](../README.md) [beside](api.md#routes)')).toEqual([]);
    expect(brokenLinks('docs/x.md', '[wrong](docs/api.md)')).toEqual(['docs/x.md: docs/api.md names docs/docs/api.md, which does not exist']);
  });
});
