import {
  forwardRef,
  type InputHTMLAttributes,
  type LabelHTMLAttributes,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { cn } from './cn';

const field =
  'h-9 rounded-sm border border-border bg-input px-3 text-body text-fg placeholder:text-muted ' +
  'transition-colors duration-200 hover:border-border-hover focus:border-accent focus:outline-none disabled:opacity-50';

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className, ...rest },
  ref,
) {
  return <input ref={ref} className={cn(field, '[color-scheme:inherit]', className)} {...rest} />;
});

export const Select = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement>>(function Select(
  { className, children, ...rest },
  ref,
) {
  return (
    <select ref={ref} className={cn(field, 'pr-8', className)} {...rest}>
      {children}
    </select>
  );
});

const capitalized = (v: string) => v.charAt(0).toUpperCase() + v.slice(1);

/**
 * A filter over a list of values: `any` first (the empty value: no choice), then each
 * value, written by `option` (default: the value, capitalised). `onChange` gets undefined for `any`.
 */
export function ChoiceSelect<V extends string>({
  value,
  values,
  any,
  option = capitalized,
  onChange,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  value: V | undefined;
  values: readonly V[];
  any: string;
  option?: (value: V) => string;
  onChange: (value: V | undefined) => void;
}) {
  return (
    <Select value={value ?? ''} onChange={(e) => onChange((e.target.value || undefined) as V | undefined)} {...rest}>
      <option value="">{any}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {option(v)}
        </option>
      ))}
    </Select>
  );
}

export const Textarea = forwardRef<HTMLTextAreaElement, TextareaHTMLAttributes<HTMLTextAreaElement>>(function Textarea(
  { className, ...rest },
  ref,
) {
  return <textarea ref={ref} className={cn(field, 'h-auto min-h-20 py-2', className)} {...rest} />;
});

export function Label({ className, ...rest }: LabelHTMLAttributes<HTMLLabelElement>) {
  return <label className={cn('flex flex-col gap-1 text-caption font-medium text-fg-2', className)} {...rest} />;
}
