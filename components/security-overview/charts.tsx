import Link from 'next/link';
import type { ReactNode } from 'react';

// Charts drawn on the server as SVG: no chart library, no JavaScript in the browser. Each one
// comes with its numbers as text or a table, for screen readers and for copying.

export const METHOD_COLOURS: Record<string, string> = {
  password: '#6366f1',
  saml: '#059669',
  google: '#f59e0b',
  microsoft: '#0ea5e9',
  github: '#334155',
  unknown: '#94a3b8',
};
export const METHOD_NAMES: Record<string, string> = {
  password: 'Password',
  saml: 'SSO (SAML)',
  google: 'Google',
  microsoft: 'Microsoft',
  github: 'GitHub',
  unknown: 'Other',
};
const colourOf = (method: string) => METHOD_COLOURS[method] ?? METHOD_COLOURS.unknown!;
const nameOf = (method: string) => METHOD_NAMES[method] ?? method;

/** Sign-ins per day, one stacked bar per day, methods in a fixed order; the table below holds the numbers. */
export function DailySignInsChart({ days, methods, caption }: { days: { day: string; byMethod: Record<string, number>; total: number }[]; methods: string[]; caption: string }) {
  const width = 600;
  const height = 140;
  const gap = 4;
  const barWidth = (width - gap * (days.length - 1)) / days.length;
  const max = Math.max(1, ...days.map((d) => d.total));
  const total = days.reduce((sum, d) => sum + d.total, 0);
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${width} ${height + 18}`} className="h-auto w-full" role="img" aria-label={`${caption}: ${total} in all; the table below lists each day`}>
        <line x1={0} x2={width} y1={height + 0.5} y2={height + 0.5} stroke="#cbd5e1" />
        {days.map((day, i) => {
          let y = height;
          const x = i * (barWidth + gap);
          return (
            <g key={day.day}>
              <title>{`${day.day}: ${day.total} sign-in${day.total === 1 ? '' : 's'}`}</title>
              {methods.map((method) => {
                const n = day.byMethod[method] ?? 0;
                if (!n) return null;
                const h = (n / max) * (height - 4);
                y -= h;
                return <rect key={method} x={x} y={y} width={barWidth} height={h} fill={colourOf(method)} rx={1} />;
              })}
            </g>
          );
        })}
        <text x={0} y={height + 14} fontSize={11} fill="#64748b">{days[0]?.day}</text>
        <text x={width} y={height + 14} fontSize={11} fill="#64748b" textAnchor="end">{days.at(-1)?.day}</text>
        <text x={0} y={10} fontSize={11} fill="#64748b">{`max ${max}/day`}</text>
      </svg>
      <Legend items={methods.map((m) => ({ key: m, label: nameOf(m), colour: colourOf(m) }))} />
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer">{caption}: the numbers</summary>
        <table className="mt-2 w-full text-left">
          <thead>
            <tr>
              <th className="pr-3 font-medium">Day</th>
              {methods.map((m) => (
                <th key={m} className="pr-3 font-medium">{nameOf(m)}</th>
              ))}
              <th className="font-medium">Total</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <td className="pr-3">{day.day}</td>
                {methods.map((m) => (
                  <td key={m} className="pr-3">{day.byMethod[m] ?? 0}</td>
                ))}
                <td>{day.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function Legend({ items }: { items: { key: string; label: ReactNode; colour: string }[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
      {items.map((item) => (
        <li key={item.key} className="flex items-center gap-1.5">
          <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: item.colour }} />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

export type BarRow = { key: string; label: string; value: number; href?: string; colour?: string; testId?: string };

/**
 * Horizontal bars, one per row, each with its label and number as text (the text is what is
 * read; the bar only draws it). A row with `href` links its number to the page that explains it.
 */
export function BarList({ rows, label, empty }: { rows: BarRow[]; label: string; empty?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  if (rows.length === 0) return <p className="text-sm text-slate-500">{empty ?? 'Nothing to show.'}</p>;
  return (
    <ul aria-label={label} className="space-y-2">
      {rows.map((row) => (
        <li key={row.key} className="grid grid-cols-[minmax(0,10rem)_1fr_auto] items-center gap-3 text-sm">
          <span className="truncate text-slate-700">{row.label}</span>
          <svg viewBox="0 0 100 8" preserveAspectRatio="none" className="h-2 w-full" aria-hidden>
            <rect x={0} y={0} width={100} height={8} fill="#f1f5f9" rx={2} />
            <rect x={0} y={0} width={(row.value / max) * 100} height={8} fill={row.colour ?? '#6366f1'} rx={2} />
          </svg>
          <Figure value={row.value} href={row.href} testId={row.testId} label={`${row.label}: ${row.value}`} />
        </li>
      ))}
    </ul>
  );
}

/** A number that links to the page explaining it. */
export function Figure({ value, href, testId, label, className }: { value: number | string; href?: string; testId?: string; label?: string; className?: string }) {
  const text = <span className={className ?? 'font-medium tabular-nums'}>{value}</span>;
  if (!href) return <span data-testid={testId}>{text}</span>;
  return (
    <Link href={href} data-testid={testId} aria-label={label} className="text-brand-700 hover:underline">
      {text}
    </Link>
  );
}

/** One stacked bar of shares (e.g. members by strongest way in), with the legend carrying each number and its link. */
export function ShareBar({ parts, label }: { parts: BarRow[]; label: string }) {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  let x = 0;
  return (
    <div className="space-y-2">
      <svg viewBox="0 0 100 6" preserveAspectRatio="none" className="h-3 w-full" role="img" aria-label={`${label}: ${parts.map((p) => `${p.label} ${p.value}`).join(', ')}`}>
        <rect x={0} y={0} width={100} height={6} fill="#f1f5f9" />
        {total > 0
          ? parts.map((p) => {
              const w = (p.value / total) * 100;
              const rect = <rect key={p.key} x={x} y={0} width={w} height={6} fill={p.colour} />;
              x += w;
              return rect;
            })
          : null}
      </svg>
      <ul className="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2">
        {parts.map((p) => (
          <li key={p.key} className="flex items-center justify-between gap-2">
            <span className="flex items-center gap-1.5 text-slate-700">
              <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: p.colour }} />
              {p.label}
            </span>
            <Figure value={p.value} href={p.href} testId={p.testId} label={`${p.label}: ${p.value}`} />
          </li>
        ))}
      </ul>
    </div>
  );
}
