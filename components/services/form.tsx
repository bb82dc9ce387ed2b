'use client';

import { createServiceAction } from '@/app/(console)/projects/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';
import type { ServiceType } from '@/lib/services/user-config-schema';

const SERVICE_TYPES = [
  { value: 'kafka', label: 'Apache Kafka' },
  { value: 'opensearch', label: 'OpenSearch' },
];

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
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create service" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <div className="grid grid-cols-3 gap-4">
        <Field label="Service name" placeholder="kafka-orders" {...field('service_name')} />
        <SelectField
          id="service-type"
          label="Service type"
          options={SERVICE_TYPES}
          {...form.register('service_type', { onChange: (e) => form.setValue('plan', plans[e.target.value as ServiceType][0]!) })}
        />
        <SelectField id="service-plan" label="Plan" options={plans[type]} error={errors.plan?.message} {...form.register('plan')} />
      </div>
      <Button type="submit" disabled={pending}>
        Create service
      </Button>
    </form>
  );
}
