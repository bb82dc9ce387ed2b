import { ESLint } from 'eslint';
import { expect, test } from 'vitest';

test("the transaction rule reports an outer call passed on and an outer ctx's db, and leaves the inner ones alone", async () => {
  const eslint = new ESLint({ ignore: false });
  const [result] = await eslint.lintFiles(['scripts/eslint/fixtures/transactions.ts']);
  const reports = result!.messages.map((m) => `${m.line}:${m.ruleId}:${m.message.split(' ')[0]}`);
  expect(reports).toEqual(['13:portcullis/transaction-uses-its-ctx:`call`', '18:portcullis/transaction-uses-its-ctx:`ctx`']);
}, 60_000);
