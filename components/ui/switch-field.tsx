import { forwardRef, useId, type InputHTMLAttributes } from 'react';

/** A labelled checkbox with a description: one policy switch. */
export const SwitchField = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement> & { label: string; description?: string }>(
  function SwitchField({ label, description, ...props }, ref) {
    const id = useId();
    return (
      <div className="flex items-start gap-3">
        <input ref={ref} id={id} type="checkbox" className="mt-1 h-4 w-4 accent-brand-600" {...props} />
        <div>
          <label htmlFor={id} className="text-sm font-medium text-slate-800">
            {label}
          </label>
          {description ? <p className="text-xs text-slate-500">{description}</p> : null}
        </div>
      </div>
    );
  },
);
