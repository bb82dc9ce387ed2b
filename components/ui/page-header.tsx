import type { ReactNode } from 'react';
import { TextLink } from './text-link';

/**
 * A page's title: the h1, the line or paragraph under it, and on detail pages the link back to
 * the list above it and the page's buttons (`actions`) to its right.
 */
export function PageHeader({
  title,
  back,
  actions,
  children,
}: {
  title: ReactNode;
  back?: { href: string; label: string };
  actions?: ReactNode;
  children?: ReactNode;
}) {
  const heading = (
    <div>
      {back ? (
        <TextLink href={back.href} className="text-sm">
          ← {back.label}
        </TextLink>
      ) : null}
      <h1 className={back ? 'mt-2 text-2xl font-semibold' : 'text-2xl font-semibold'}>{title}</h1>
      {children ? <p className="mt-1 text-sm text-slate-600">{children}</p> : null}
    </div>
  );
  if (!actions) return heading;
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      {heading}
      {actions}
    </div>
  );
}
