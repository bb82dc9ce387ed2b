'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { loadCidr, useIpListed } from './use-cidr';

const fieldClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm';

/**
 * An editable list of IP addresses and CIDR ranges (IPv4 and IPv6), each checked as it is
 * added, with the user's current address offered. Used by every allowlist in the console.
 */
export function CidrListInput({
  label,
  value,
  onChange,
  currentIp,
  currentIpListed = false,
  error,
  children,
}: {
  label: string;
  value: string[];
  onChange: (next: string[]) => void;
  currentIp: string | null;
  /** Whether currentIp is in the list the page was drawn with (the server's answer; see useIpListed). */
  currentIpListed?: boolean;
  error?: string;
  children?: React.ReactNode;
}) {
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);

  // Each entry is checked as it is added, by the same functions as cidrSchema (lib/net/schema.ts)
  // but without zod, which the form loads later (components/forms/lazy-zod-resolver.ts); the whole
  // list is then parsed by the form's schema on submit. Those functions load after the page too.
  const add = async (text: string) => {
    const cidr = await loadCidr().catch(() => null);
    if (!cidr) return setDraftError('The address check could not be loaded: reload the page and try again');
    const entry = cidr.normalizeCidr(text.trim());
    if (!entry) return setDraftError(text.trim() ? cidr.notACidrMessage(text.trim()) : 'Enter an IP address or CIDR range');
    setDraftError(null);
    setDraft('');
    if (!value.includes(entry)) onChange([...value, entry]);
  };
  const covered = useIpListed(value, currentIp, currentIpListed);

  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{label}</legend>
      {children}
      {value.length > 0 ? (
        <ul className="flex flex-wrap gap-2" aria-label={label}>
          {value.map((cidr) => (
            <li key={cidr} className="flex items-center gap-1 rounded-full bg-slate-100 py-1 pl-3 pr-1 font-mono text-xs">
              {cidr}
              <button
                type="button"
                aria-label={`Remove ${cidr}`}
                className="rounded-full px-2 text-slate-500 hover:bg-slate-200"
                onClick={() => onChange(value.filter((c) => c !== cidr))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="flex gap-2">
        <input
          aria-label="IP address or range"
          placeholder="203.0.113.0/24 or 2001:db8::/32"
          className={fieldClass}
          value={draft}
          aria-invalid={draftError ? true : undefined}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void add(draft);
            }
          }}
        />
        <Button type="button" variant="secondary" onClick={() => void add(draft)}>
          Add
        </Button>
      </div>
      {draftError ? <p className="text-sm text-red-600">{draftError}</p> : null}
      {error ? <p className="text-sm text-red-600">{error}</p> : null}
      {currentIp && !covered ? (
        <Button type="button" variant="ghost" className="px-0 text-brand-700" onClick={() => void add(currentIp)}>
          Add your current IP ({currentIp})
        </Button>
      ) : null}
    </fieldset>
  );
}
