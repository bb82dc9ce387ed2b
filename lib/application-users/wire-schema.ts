import { z } from 'zod';

// The application user object's schema: applicationUserToWire (wire.ts) is typed against it.

export const applicationUserWireSchema = z
  .object({
    user_id: z.string(),
    name: z.string(),
    user_email: z.string(),
    is_super_admin: z.boolean(),
    create_time: z.string(),
  })
  .meta({ id: 'ApplicationUser' });
export type ApplicationUserWire = z.infer<typeof applicationUserWireSchema>;
