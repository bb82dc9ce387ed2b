import NextAuth from 'next-auth';
import { authOptions } from '@/app/_lib/auth-options';

// GET|POST /api/auth/*: next-auth's sign-in endpoints.
const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
