import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthFrame } from '@/components/shell/brand';
import { SetupForm } from '@/components/setup/form';
import { liveCtx } from '@/lib/context';
import { isSetupNeeded } from '@/lib/setup/first-run';

export const metadata: Metadata = { title: 'Set up · Portcullis' };
export const dynamic = 'force-dynamic';

export default async function SetupPage() {
  if (!await isSetupNeeded(liveCtx())) redirect('/signin');
  return (
    <AuthFrame
      title="Set up Portcullis"
      subtitle="Create your organization and its first super admin. You can invite others once you are in."
    >
      <SetupForm />
    </AuthFrame>
  );
}
