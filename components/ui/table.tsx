import type { ReactNode } from 'react';
import { cn } from './cn';
import { Time } from './time';

/** The header of a column of buttons: read by screen readers, not shown. */
export const ACTIONS_COLUMN = <span className="sr-only">Actions</span>;

/**
 * The console's list table: a bordered box that scrolls sideways on narrow screens, a header
 * row of `columns`, and the rows given as children.
 */
export function DataTable({
  columns,
  children,
  bodyClassName,
  compact = false,
}: {
  columns: ReactNode[];
  children: ReactNode;
  bodyClassName?: string;
  /** Narrower header cells (px-3), for tables with many columns whose rows use px-3 too. */
  compact?: boolean;
}) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column, index) => (
              <th key={index} className={compact ? 'px-3 py-2' : 'px-4 py-2'}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={cn('divide-y divide-slate-100', bodyClassName)}>{children}</tbody>
      </table>
    </div>
  );
}

/** A cell holding one time ("2026-11-23 07:20 UTC"), kept on one line. */
export function TimeCell({ value, fallback }: { value: string | null; fallback?: string }) {
  return (
    <td className="px-4 py-2 whitespace-nowrap">
      <Time value={value} fallback={fallback} />
    </td>
  );
}
