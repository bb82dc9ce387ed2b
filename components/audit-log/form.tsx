'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useForm } from 'react-hook-form';
import type { AuditFilter, AuditFilterInput } from '@/lib/audit-log/schema';
import { lazyZodResolver } from '@/components/forms/lazy-zod-resolver';
import type { FieldErrors } from '@/lib/errors';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';

const resolver = lazyZodResolver<AuditFilterInput, AuditFilter>(() => import('@/lib/audit-log/schema').then((m) => m.auditFilterSchema));


export type AuditFilterValues = { actor: string; event: string; ip: string; from: string; to: string };

/**
 * Who, which event, when: validated here with the schema the page and the API use, then put in
 * the address (so a filtered view can be bookmarked and shared) for the page to load.
 */
export function AuditFilterForm({
  initial,
  eventNames,
  serverErrors,
}: {
  initial: AuditFilterValues;
  eventNames: string[];
  /** Errors of the filter in the address, as the page found them. */
  serverErrors: FieldErrors;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const form = useForm<AuditFilterInput, unknown, AuditFilter>({ resolver: resolver, defaultValues: initial });
  const { errors, isSubmitting } = form.formState;
  const errorOf = (field: keyof AuditFilterValues) => errors[field]?.message ?? (form.formState.isSubmitted ? undefined : serverErrors[field]?.[0]);
  // An event named in the address but not (yet) in this organization's log still shows as chosen.
  const names = initial.event && !eventNames.includes(initial.event) ? [...eventNames, initial.event].sort() : eventNames;

  const onSubmit = form.handleSubmit(() => {
    // The typed values go in the address, not the parsed ones: the page parses them again.
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(form.getValues())) {
      if (typeof value === 'string' && value.trim() !== '') query.set(key, value.trim());
    }
    const search = query.toString();
    router.push(search ? `${pathname}?${search}` : pathname);
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Filter audit log" className="grid grid-cols-1 gap-4 md:grid-cols-[2fr_1.5fr_1.2fr_1.5fr_1.5fr_auto]">
      <Field label="Person" placeholder="Email, or part of it" error={errorOf('actor')} {...form.register('actor')} />
      <SelectField id="audit-event" label="Event" options={names} placeholder="All events" error={errorOf('event')} {...form.register('event')} />
      <Field label="Address" placeholder="IP address" error={errorOf('ip')} {...form.register('ip')} />
      <Field label="From (UTC)" type="datetime-local" error={errorOf('from')} {...form.register('from')} />
      <Field label="To (UTC)" type="datetime-local" error={errorOf('to')} {...form.register('to')} />
      <div className="flex items-end gap-2">
        <Button type="submit" disabled={isSubmitting}>
          Filter
        </Button>
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            form.reset({ actor: '', event: '', ip: '', from: '', to: '' });
            router.push(pathname);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
