/** The `auth` function: every route of `routes/auth.ts`, dispatched by method and path. */

import { handler as confirm } from '../handlers/confirm.ts';
import { handler as getMe } from '../handlers/get-me.ts';
import { handler as login } from '../handlers/login.ts';
import { handler as refresh } from '../handlers/refresh.ts';
import { handler as signup } from '../handlers/signup.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = routeDispatcher(authRoutes, {
  signup,
  confirm,
  login,
  refresh,
  getMe,
});
