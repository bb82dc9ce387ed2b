'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { createServiceAction } from '@/app/(console)/projects/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { createServiceActionSchema } from '@/lib/services/schema';
import type { ServiceType } from '@/lib/services/user-config-schema';

type Values = z.input<typeof createServiceActionSchema>;

export function CreateServiceForm({ project, plans }: { project: string; plans: Record<ServiceType, readonly string[]> }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values, unknown, z.output<typeof createServiceActionSchema>>({
    resolver: zodResolver(createServiceActionSchema),
    defaultValues: { project, service_name: '', service_type: 'kafka', plan: plans.kafka[0] },
  });
  const type = form.watch('service_type');
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await createServiceAction(values);
    if (!result.ok) {
      for (const field of ['service_name', 'service_type', 'plan'] as const) {
        if (result.fieldErrors[field]) form.setError(field, { message: result.fieldErrors[field][0] });
      }
      if (!Object.keys(result.fieldErrors).length) setError(result.message);
      return;
    }
    router.push(`/projects/${project}/services/${result.data.service}`);
  });
  const selectClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm';
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create service" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <div className="grid grid-cols-3 gap-4">
        <Field label="Service name" placeholder="kafka-orders" error={form.formState.errors.service_name?.message} {...form.register('service_name')} />
        <div className="space-y-1">
          <label htmlFor="service-type" className="block text-sm font-medium text-slate-700">
            Service type
          </label>
          <select
            id="service-type"
            className={selectClass}
            {...form.register('service_type', { onChange: (e) => form.setValue('plan', plans[e.target.value as ServiceType][0]!) })}
          >
            <option value="kafka">Apache Kafka</option>
            <option value="opensearch">OpenSearch</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="service-plan" className="block text-sm font-medium text-slate-700">
            Plan
          </label>
          <select id="service-plan" className={selectClass} {...form.register('plan')}>
            {plans[type].map((plan) => (
              <option key={plan} value={plan}>
                {plan}
              </option>
            ))}
          </select>
          {form.formState.errors.plan ? <p className="text-sm text-red-600">{form.formState.errors.plan.message}</p> : null}
        </div>
      </div>
      <Button type="submit" disabled={form.formState.isSubmitting}>
        Create service
      </Button>
    </form>
  );
}
