/** The `auth` function: every route of `routes/auth.ts`, dispatched by method and path. */

import { handler as confirm } from '../handlers/auth-confirm.ts';
import { handler as login } from '../handlers/auth-login.ts';
import { handler as refresh } from '../handlers/auth-refresh.ts';
import { handler as signup } from '../handlers/auth-signup.ts';
import { handler as getMe } from '../handlers/get-me.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = routeDispatcher(authRoutes, {
  signup,
  confirm,
  login,
  refresh,
  getMe,
});
