// The console's left navigation. Only pages that exist are listed; each feature adds its own.
export type NavItem = { href: string; label: string; superAdminOnly?: boolean };
export type NavSection = { title: string; items: NavItem[] };

export const navSections: NavSection[] = [
  { title: 'Organization', items: [{ href: '/', label: 'Overview' }] },
  {
    title: 'Profile',
    items: [
      { href: '/profile/authentication', label: 'Authentication' },
      { href: '/profile/tokens', label: 'Tokens' },
    ],
  },
];
