/**
 * A wire time ("2026-11-23T07:20:00Z") as "2026-11-23 07:20 UTC", the same on server and client.
 * Where a narrow column must wrap it, it breaks between the date and the time only.
 */
export function Time({ value, fallback = '—' }: { value: string | null; fallback?: string }) {
  if (!value) return <span className="text-slate-400">{fallback}</span>;
  return (
    <time dateTime={value}>
      <span className="whitespace-nowrap">{value.slice(0, 10)}</span> <span className="whitespace-nowrap">{value.slice(11, 16)} UTC</span>
    </time>
  );
}
