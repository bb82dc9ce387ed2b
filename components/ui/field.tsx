import { forwardRef, useId, type InputHTMLAttributes, type ReactNode } from 'react';
import { cn } from './cn';

/** What a framed control carries: its id, and its error or hint as its description. */
export type ControlProps = { id: string; 'aria-invalid': true | undefined; 'aria-describedby': string | undefined };

/**
 * A form control's frame: its label above, its error message (or else its hint) below, and
 * `after` under those. `children` renders the control (input, select, textarea) with the props
 * that tie it to the label and the message.
 */
export function FieldFrame({
  id,
  label,
  error,
  hint,
  className,
  after,
  children,
}: {
  id?: string;
  label: string;
  error?: string;
  hint?: string;
  className?: string;
  after?: ReactNode;
  children: (control: ControlProps) => ReactNode;
}) {
  const generated = useId();
  const controlId = id ?? generated;
  return (
    <div className={cn('space-y-1', className)}>
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({
        id: controlId,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': error ? `${controlId}-error` : hint ? `${controlId}-hint` : undefined,
      })}
      {error ? (
        <p id={`${controlId}-error`} className="text-sm text-red-600">
          {error}
        </p>
      ) : hint ? (
        <p id={`${controlId}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {after}
    </div>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: string };

/** A labelled input with its hint and its error message beside it. */
export const Field = forwardRef<HTMLInputElement, FieldProps>(function Field({ label, error, hint, className, id, ...props }, ref) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      {(control) => (
        <input
          ref={ref}
          {...control}
          className={cn(
            'block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm outline-none focus:ring-2',
            error ? 'border-red-500 focus:ring-red-200' : 'border-slate-300 focus:border-brand-600 focus:ring-brand-100',
          )}
          {...props}
        />
      )}
    </FieldFrame>
  );
});
