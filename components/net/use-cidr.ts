'use client';

import { useEffect, useState } from 'react';

type Cidr = typeof import('@/lib/net/cidr');

let loading: Promise<Cidr> | null = null;

/**
 * lib/net/cidr.ts, which brings ipaddr.js (about 4.5 kB compressed together), loaded after the
 * page: the allowlist inputs need it to add an entry and to say whether the visitor's address is
 * listed, not to draw the page. The first caller starts the fetch; a failed one is tried again.
 */
export function loadCidr(): Promise<Cidr> {
  return (loading ??= import('@/lib/net/cidr').catch((error: unknown) => {
    loading = null;
    throw error;
  }));
}

/**
 * Whether `ip` lies in `list`, on lib/net/cidr.ts once it is loaded (it starts loading when the
 * component mounts). Until then the server's answer stands in: `listedAtFirst`, whether `ip` was
 * in the list the component was first drawn with, as long as the list has not changed; false
 * otherwise. So the page hydrates as the server drew it.
 */
export function useIpListed(list: readonly string[], ip: string | null, listedAtFirst = false): boolean {
  const [cidr, setCidr] = useState<Cidr | null>(null);
  const [first] = useState(() => list.join('\n'));
  useEffect(() => {
    let mounted = true;
    loadCidr().then(
      (loaded) => mounted && setCidr(loaded),
      () => undefined, // the answer stays the server's; adding an entry says what went wrong
    );
    return () => {
      mounted = false;
    };
  }, []);
  if (!ip) return false;
  if (cidr) return cidr.allowlistOf(list).contains(ip);
  return listedAtFirst && list.join('\n') === first;
}
