'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * The profile button and its menu. The menu's items come from the layout, drawn on the server
 * (components/shell/profile-menu-items.tsx): this script only opens and closes it.
 */
export function ProfileMenu({ email, children }: { email: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  return (
    <div ref={ref} className="relative">
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((value) => !value)}
        className="flex items-center gap-2 rounded-full border border-slate-200 bg-white py-1 pl-1 pr-3 text-sm hover:bg-slate-50"
      >
        <span aria-hidden="true" className="grid h-7 w-7 place-items-center rounded-full bg-brand-600 text-xs font-semibold uppercase text-white">
          {email.slice(0, 1)}
        </span>
        <span>{email}</span>
      </button>
      {open ? (
        <div
          role="menu"
          // A link closes the menu as it navigates. Not Sign out: its form would no longer be in
          // the page when the browser submits it.
          onClick={(event) => {
            if ((event.target as HTMLElement).closest('a')) setOpen(false);
          }}
          className="absolute right-0 z-10 mt-2 w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        >
          <p className="truncate px-3 py-2 text-xs text-slate-500">Signed in as {email}</p>
          {children}
        </div>
      ) : null}
    </div>
  );
}
