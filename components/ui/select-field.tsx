import { forwardRef, type SelectHTMLAttributes } from 'react';
import { FieldFrame } from './field';

/** A choice: a value shown as itself, or a value and the label shown for it. */
export type SelectOption = string | { value: string; label: string };

/** The <option>s of a select, with an empty first one when `placeholder` is given ("All events"). */
export function SelectOptions({ options, placeholder }: { options: readonly SelectOption[]; placeholder?: string }) {
  return (
    <>
      {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
      {options.map((option) => {
        const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
        return (
          <option key={value} value={value}>
            {label}
          </option>
        );
      })}
    </>
  );
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  options: readonly SelectOption[];
  placeholder?: string;
  error?: string;
  hint?: string;
};

/** A labelled select with its hint and its error message, the select's counterpart of Field. */
export const SelectField = forwardRef<HTMLSelectElement, SelectFieldProps>(function SelectField(
  { label, options, placeholder, error, hint, className, id, ...props },
  ref,
) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint} className={className}>
      {(control) => (
        <select ref={ref} {...control} className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm" {...props}>
          <SelectOptions options={options} placeholder={placeholder} />
        </select>
      )}
    </FieldFrame>
  );
});
