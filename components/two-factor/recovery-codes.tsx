'use client';

import { CopyButton } from '@/components/ui/copy-button';

/** Recovery codes as shown once after setup: a list, copy and download. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const text = `Portcullis recovery codes\n\n${codes.join('\n')}\n`;
  return (
    <div className="space-y-3">
      <ol aria-label="Recovery codes" className="grid grid-cols-2 gap-x-8 gap-y-1 rounded-md bg-slate-50 px-5 py-4 font-mono text-sm sm:max-w-md">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <div className="flex gap-2">
        <CopyButton value={codes.join('\n')} label="Copy codes" />
        <a
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="portcullis-recovery-codes.txt"
          className="inline-flex items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Download
        </a>
      </div>
    </div>
  );
}
