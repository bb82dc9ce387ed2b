'use client';

import { useId, type ChangeEvent } from 'react';

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
  const id = useId();
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) onChange(await readCertificateFile(file));
  };
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea
        id={id}
        rows={rows}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className={`block w-full rounded-md border bg-white px-3 py-2 font-mono text-xs shadow-sm outline-none focus:ring-2 ${error ? 'border-red-500 focus:ring-red-200' : 'border-slate-300 focus:ring-brand-100'}`}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-600">
          {error}
        </p>
      ) : null}
      <label className="inline-flex items-center gap-2 text-xs text-slate-600">
        {fileLabel}
        <input type="file" accept={accept} onChange={onFile} className="text-xs" aria-label={`${label} file`} />
      </label>
    </div>
  );
}

/** TextOrFile for an IdP's signing certificate: PEM typed or pasted, or a .pem, .crt or .cer file. */
export function CertificateInput(props: { label: string; value: string; onChange: (value: string) => void; error?: string; rows?: number }) {
  return (
    <TextOrFile accept=".pem,.crt,.cer,.cert" fileLabel="or upload a .pem, .crt or .cer file:" placeholder="-----BEGIN CERTIFICATE-----" {...props} />
  );
}
