'use client';

import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { SIGN_OUT_PATH } from '@/lib/http/areas';

const PROFILE_LINKS = [
  ['/profile/tokens', 'Tokens'],
  ['/profile/authentication', 'Authentication'],
] as const;

export function ProfileMenu({ email }: { email: string }) {
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
        <div role="menu" className="absolute right-0 z-10 mt-2 w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
          <p className="truncate px-3 py-2 text-xs text-slate-500">Signed in as {email}</p>
          {/* Where Aiven's console has them: "Click your profile icon → Tokens". */}
          {PROFILE_LINKS.map(([href, label]) => (
            <Link key={href} href={href} role="menuitem" onClick={() => setOpen(false)} className="block px-3 py-2 text-sm hover:bg-slate-50">
              {label}
            </Link>
          ))}
          <div role="separator" className="my-1 border-t border-slate-100" />
          {/* A plain form to a route of its own: it works even where a policy or allowlist refuses everything else. */}
          <form method="post" action={SIGN_OUT_PATH}>
            <button type="submit" role="menuitem" className="block w-full px-3 py-2 text-left text-sm hover:bg-slate-50">
              Sign out
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
