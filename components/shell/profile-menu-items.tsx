import Link from 'next/link';
import { SIGN_OUT_PATH } from '@/lib/http/areas';

const PROFILE_LINKS = [
  ['/profile/tokens', 'Tokens'],
  ['/profile/authentication', 'Authentication'],
  // The /v1 API's description (GET /v1/openapi.json), drawn as a page.
  ['/api-reference', 'API reference'],
] as const;

/** The profile menu's items, drawn on the server: ProfileMenu shows them when it is open. */
export function ProfileMenuItems() {
  return (
    <>
      {/* Where Aiven's console has them: "Click your profile icon → Tokens". */}
      {PROFILE_LINKS.map(([href, label]) => (
        <Link key={href} href={href} role="menuitem" className="block px-3 py-2 text-sm hover:bg-slate-50">
          {label}
        </Link>
      ))}
      <div role="separator" className="my-1 border-t border-slate-100" />
      {/* A plain form to a route of its own: it works even where a policy or allowlist refuses everything else. */}
      <form method="post" action={SIGN_OUT_PATH}>
        <button type="submit" role="menuitem" className="block w-full px-3 py-2 text-left text-sm hover:bg-slate-50">
          Sign out
        </button>
      </form>
    </>
  );
}
