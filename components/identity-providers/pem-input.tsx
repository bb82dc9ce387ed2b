'use client';

import type { ChangeEvent } from 'react';
import { FieldFrame } from '@/components/ui/field';

/** A file's text: PEM as it is; DER bytes (a binary .cer) as base64, which the server reads too. */
export async function readCertificateFile(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes[0] === 0x30) {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
  return new TextDecoder().decode(bytes);
}

/** A labelled textarea with "or choose a file", for certificates and metadata XML. */
export function TextOrFile({
  label,
  value,
  onChange,
  error,
  accept,
  rows = 6,
  placeholder,
  fileLabel,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  accept: string;
  rows?: number;
  placeholder?: string;
  fileLabel: string;
}) {
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) onChange(await readCertificateFile(file));
  };
  return (
    <FieldFrame
      label={label}
      error={error}
      after={
        <label className="inline-flex items-center gap-2 text-xs text-slate-600">
          {fileLabel}
          <input type="file" accept={accept} onChange={onFile} className="text-xs" aria-label={`${label} file`} />
        </label>
      }
    >
      {(control) => (
        <textarea
          {...control}
          rows={rows}
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
          className={`block w-full rounded-md border bg-white px-3 py-2 font-mono text-xs shadow-sm outline-none focus:ring-2 ${error ? 'border-red-500 focus:ring-red-200' : 'border-slate-300 focus:ring-brand-100'}`}
        />
      )}
    </FieldFrame>
  );
}

/** TextOrFile for an IdP's signing certificate: PEM typed or pasted, or a .pem, .crt or .cer file. */
export function CertificateInput(props: { label: string; value: string; onChange: (value: string) => void; error?: string; rows?: number }) {
  return (
    <TextOrFile accept=".pem,.crt,.cer,.cert" fileLabel="or upload a .pem, .crt or .cer file:" placeholder="-----BEGIN CERTIFICATE-----" {...props} />
  );
}
