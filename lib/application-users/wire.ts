import type { ApplicationUser } from './manage';
import type { ApplicationUserWire } from './wire-schema';

/** The application user object of the API (avn columns: name user_email user_id is_super_admin). */
export function applicationUserToWire({ user, isSuperAdmin }: ApplicationUser): ApplicationUserWire {
  return {
    user_id: user.id,
    name: user.realName,
    user_email: user.email,
    is_super_admin: isSuperAdmin,
    create_time: user.createTime,
  };
}
