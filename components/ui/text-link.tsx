import Link from 'next/link';
import type { ComponentProps } from 'react';
import { cn } from './cn';

/** The console's in-text link: brand colour, underlined on hover. */
export function TextLink({ className, ...props }: ComponentProps<typeof Link>) {
  return <Link className={cn('text-brand-700 hover:underline', className)} {...props} />;
}
