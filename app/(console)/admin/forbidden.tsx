import { Card } from '@/components/ui/card';
import { TextLink } from '@/components/ui/text-link';

// Rendered with status 403 when an Admin page calls forbidden(): the user is signed in but is
// not a super admin of the organization they are working in.
export default function AdminForbidden() {
  return (
    <Card className="max-w-xl p-6">
      <h1 className="text-lg font-semibold">Super admins only</h1>
      <p role="alert" className="mt-2 text-sm text-slate-700">
        Only super admins of this organization may open this page.
      </p>
      <p className="mt-4 text-sm">
        <TextLink href="/">Back to the overview</TextLink>
      </p>
    </Card>
  );
}
