import type { ReactNode } from 'react';
import { Card } from './card';
import { cn } from './cn';

/** A card holding one form under its heading: "New project", "Add a domain", "Generate token". */
export function FormCard({ title, className, children }: { title: string; className?: string; children: ReactNode }) {
  return (
    <Card className={cn(className, 'p-6')}>
      <h2 className="mb-4 font-medium">{title}</h2>
      {children}
    </Card>
  );
}
