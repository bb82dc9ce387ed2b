'use client';

import { useState, type ReactNode } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { Dialog } from '@/components/ui/dialog';

/**
 * What a confirmation is about while it is open (a token, a member, or `true` for the one thing a
 * control changes): `open(target)` asks, `close()` ends the asking.
 */
export function useConfirm<T = true>() {
  const [target, setTarget] = useState<T | null>(null);
  return { target, open: (value: T) => setTarget(value), close: () => setTarget(null) };
}

/**
 * "Are you sure?" before an action: the dialog with its explanation (the children: text, or
 * paragraphs), Cancel, and the button that runs it (disabled while it runs). `error`: a refusal shown inside, where the dialog stays open
 * on one; most callers close it either way (useAction's `settled: confirm.close`) and show the
 * refusal on the page.
 */
export function ConfirmDialog({
  confirm,
  title,
  confirmLabel,
  onConfirm,
  pending,
  variant = 'danger',
  error,
  children,
}: {
  confirm: { target: unknown; close: () => void };
  title: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending: boolean;
  variant?: 'primary' | 'danger';
  error?: string | null;
  children: ReactNode;
}) {
  return (
    <Dialog open={confirm.target !== null} onClose={confirm.close} title={title}>
      {error ? (
        <div className="mb-4">
          <Alert>{error}</Alert>
        </div>
      ) : null}
      <div className="space-y-2 text-sm text-slate-700">{children}</div>
      <DialogButtons className="mt-6" onCancel={confirm.close} label={confirmLabel} variant={variant} disabled={pending} onClick={onConfirm} />
    </Dialog>
  );
}

/**
 * A dialog's buttons: Cancel, and the one that acts: a submit button for the dialog's form, or,
 * with `onClick`, a plain button.
 */
export function DialogButtons({
  onCancel,
  label,
  disabled,
  variant = 'primary',
  onClick,
  className,
}: {
  onCancel: () => void;
  label: ReactNode;
  disabled: boolean;
  variant?: 'primary' | 'danger';
  onClick?: () => void;
  className?: string;
}) {
  return (
    <div className={cn('flex justify-end gap-2', className)}>
      <Button type="button" variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type={onClick ? 'button' : 'submit'} variant={variant} disabled={disabled} onClick={onClick}>
        {label}
      </Button>
    </div>
  );
}
