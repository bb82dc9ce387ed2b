'use client';

import type { signIn as nextAuthSignIn } from 'next-auth/react';

/**
 * next-auth's signIn, loaded when it is called: next-auth/react and the Babel helpers it brings
 * are about 14 kB compressed, and a page needs them only once someone submits or picks a provider.
 */
export const signIn: typeof nextAuthSignIn = async (provider, options, authorizationParams) => {
  const { signIn: load } = await import('next-auth/react');
  return await load(provider, options, authorizationParams);
};
