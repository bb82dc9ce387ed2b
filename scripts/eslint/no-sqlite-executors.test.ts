import { ESLint } from 'eslint';
import { expect, test } from 'vitest';

test('the executor rule reports drizzle .all() and .run() and leaves Map.get and Map.values alone', async () => {
  const eslint = new ESLint({ ignore: false, overrideConfig: { rules: { 'portcullis/no-sqlite-executors': 'error' } } });
  const [result] = await eslint.lintFiles(['scripts/eslint/fixtures/executors.ts']);
  const reports = result!.messages.map((m) => `${m.line}:${m.ruleId}:${m.message.slice(0, 8)}`);
  expect(reports).toEqual(['7:portcullis/no-sqlite-executors:`.all()`', '8:portcullis/no-sqlite-executors:`.run()`']);
}, 60_000);
