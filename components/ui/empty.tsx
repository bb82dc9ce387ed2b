import type { ReactNode } from 'react';

/** What a list shows when it has nothing: "No units yet." */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-500">{children}</p>;
}
