/** A wire time ("2026-11-23T07:20:00Z") as "2026-11-23 07:20 UTC", the same on server and client. */
export function Time({ value, fallback = '—' }: { value: string | null; fallback?: string }) {
  if (!value) return <span className="text-slate-400">{fallback}</span>;
  return <time dateTime={value}>{value.slice(0, 16).replace('T', ' ')} UTC</time>;
}
