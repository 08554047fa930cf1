/** The `auth` function: every route of `routes/auth.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as confirm } from '../auth-confirm.ts';
import { handler as login } from '../auth-login.ts';
import { handler as refresh } from '../auth-refresh.ts';
import { handler as signup } from '../auth-signup.ts';
import { handler as getMe } from '../get-me.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = routeDispatcher(authRoutes, {
  signup,
  confirm,
  login,
  refresh,
  getMe,
});
