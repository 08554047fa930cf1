/** GET /me — the caller as the API sees them: id, email, groups and effective role. */
import { httpRoute } from '../http/http.ts';
import { authRoutes } from '../routes/auth.ts';

export const handler = httpRoute(authRoutes.getMe, async ({ principal }) => ({
  statusCode: 200,
  body: {
    user_id: principal.userId,
    email: principal.email,
    name: principal.name,
    groups: principal.groups,
    role: principal.role,
    ...(principal.serviceAccount
      ? {
          service_account: {
            id: principal.serviceAccount.id,
            project_id: principal.serviceAccount.projectId,
            role: principal.serviceAccount.role,
          },
        }
      : {}),
  },
}));
