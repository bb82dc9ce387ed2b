'use client';

import { createServiceAction } from '@/app/(console)/projects/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import type { ServiceType } from '@/lib/services/user-config-schema';

export function CreateServiceForm({ project, plans }: { project: string; plans: Record<ServiceType, readonly string[]> }) {
  const { form, field, onSubmit, errors, pending, error } = useActionForm(
    () => import('@/lib/services/schema').then((m) => m.createServiceActionSchema),
    createServiceAction,
    {
      defaultValues: { project, service_name: '', service_type: 'kafka', plan: plans.kafka[0] },
      fields: ['service_name', 'service_type', 'plan'],
      message: 'unless-field',
      refresh: false,
      onSuccess: (data, { router }) => router.push(`/projects/${project}/services/${data.service}`),
    },
  );
  const type = form.watch('service_type');
  const selectClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm';
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create service" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <div className="grid grid-cols-3 gap-4">
        <Field label="Service name" placeholder="kafka-orders" {...field('service_name')} />
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
          {errors.plan ? <p className="text-sm text-red-600">{errors.plan.message}</p> : null}
        </div>
      </div>
      <Button type="submit" disabled={pending}>
        Create service
      </Button>
    </form>
  );
}
