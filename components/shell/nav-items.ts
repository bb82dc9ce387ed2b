// The console's left navigation. Only pages that exist are listed; each feature adds its own.
export type NavItem = { href: string; label: string; superAdminOnly?: boolean };
export type NavSection = { title: string; items: NavItem[] };

export const navSections: NavSection[] = [
  { title: 'Organization', items: [{ href: '/', label: 'Overview' }] },
  { title: 'Projects', items: [{ href: '/projects', label: 'Projects' }] },
  {
    title: 'Admin',
    items: [
      { href: '/admin/authentication-policy', label: 'Authentication policy', superAdminOnly: true },
      { href: '/admin/identity-providers', label: 'Identity providers', superAdminOnly: true },
      { href: '/admin/domains', label: 'Domains', superAdminOnly: true },
      { href: '/admin/users', label: 'Users', superAdminOnly: true },
      { href: '/admin/units', label: 'Units', superAdminOnly: true },
      { href: '/admin/application-users', label: 'Application users', superAdminOnly: true },
      { href: '/admin/audit-log', label: 'Audit log', superAdminOnly: true },
    ],
  },
  {
    title: 'Profile',
    items: [
      { href: '/profile/authentication', label: 'Authentication' },
      { href: '/profile/tokens', label: 'Tokens' },
    ],
  },
];
