'use client';

import { useState } from 'react';
import { testTokenAction } from '@/app/(console)/projects/actions';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import type { TokenTestResult } from '@/lib/services/token-tester';

export function TokenTester({ project, service }: { project: string; service: string }) {
  const [token, setToken] = useState('');
  const [result, setResult] = useState<TokenTestResult | null>(null);
  const tester = useAction();
  const error = tester.error;
  const run = (event: React.FormEvent) => {
    event.preventDefault();
    tester.run(() => testTokenAction({ project, service, token }), {
      fields: ['token'],
      refresh: false,
      onError: () => setResult(null),
      onSuccess: (data) => setResult(data),
    });
  };
  const firstRefusal = result?.checks.find((c) => c.ok === false);
  return (
    <form onSubmit={run} aria-label="Token tester" className="space-y-4">
      <div className="space-y-1">
        <label htmlFor="tester-token" className="block text-sm font-medium text-slate-700">
          Token (JWT)
        </label>
        <textarea
          id="tester-token"
          rows={4}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs shadow-sm"
          placeholder="eyJhbGciOi…"
        />
        {error ? <p className="text-sm text-red-600">{error}</p> : null}
      </div>
      <Button type="submit" disabled={tester.pending}>
        Test token
      </Button>
      {result ? (
        <div className="space-y-3" aria-live="polite">
          {result.accepted ? (
            <Alert tone="info">
              Accepted{result.subject ? ` as ${result.subject}` : ''}
              {result.roles ? ` with roles: ${result.roles.join(', ') || '(none)'}` : ''}.
            </Alert>
          ) : (
            <Alert>Refused: {firstRefusal ? `${firstRefusal.label}: ${firstRefusal.detail}` : 'see the checks below'}</Alert>
          )}
          <ul aria-label="Checks" className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {result.checks.map((check) => (
              <li key={check.id} className="flex gap-3 px-3 py-2 text-sm">
                <span
                  className={cn(
                    'w-24 shrink-0 font-medium',
                    check.ok === true ? 'text-green-700' : check.ok === false ? 'text-red-700' : 'text-slate-500',
                  )}
                >
                  {check.ok === true ? 'Passed' : check.ok === false ? 'Refused' : 'Not checked'}
                </span>
                <span className="w-48 shrink-0">{check.label}</span>
                <span className="text-slate-700">{check.detail}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
