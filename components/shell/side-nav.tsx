'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/components/ui/cn';
import { navSections } from './nav-items';

export function SideNav({ isSuperAdmin }: { isSuperAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="space-y-6 p-4">
      {navSections.map((section) => {
        const items = section.items.filter((item) => isSuperAdmin || !item.superAdminOnly);
        if (items.length === 0) return null;
        return (
          <div key={section.title}>
            <h2 className="px-2 text-xs font-semibold uppercase tracking-wider text-slate-500">{section.title}</h2>
            <ul className="mt-2 space-y-1">
              {items.map((item) => {
                const active = item.href === '/' ? pathname === '/' : pathname.startsWith(item.href);
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? 'page' : undefined}
                      className={cn(
                        'block rounded-md px-2 py-1.5 text-sm',
                        active ? 'bg-brand-50 font-medium text-brand-700' : 'text-slate-700 hover:bg-slate-100',
                      )}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
