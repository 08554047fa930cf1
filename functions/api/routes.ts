/**
 * The route table: the single source of truth for the HTTP API. The CDK stack builds
 * API Gateway methods and one function per group from it, the local gateway routes with
 * it, the OpenAPI document is generated from it, each group's entry point dispatches with
 * its part of it, and every handler parses its input with its own entry.
 *
 * Each group's routes live in `routes/<group>.ts`, so a function's bundle holds only the
 * schemas of its own routes. It imports schemas only (no handler code, no AWS SDK).
 */
import type { ApiGroup, RouteDefinition } from './route-types.ts';
import { approvalsRoutes } from './routes/approvals.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { consoleRoutes } from './routes/console.ts';
import { deploymentsRoutes } from './routes/deployments.ts';
import { environmentsRoutes } from './routes/environments.ts';
import { insightsRoutes } from './routes/insights.ts';
import { metaRoutes } from './routes/meta.ts';
import { operationsRoutes } from './routes/operations.ts';
import { projectsRoutes } from './routes/projects.ts';
import { serviceAccountsRoutes } from './routes/service-accounts.ts';
import { stacksRoutes } from './routes/stacks.ts';
import { streamsRoutes } from './routes/streams.ts';
import { webhooksRoutes } from './routes/webhooks.ts';

export const routes = {
  ...metaRoutes,
  ...authRoutes,
  ...projectsRoutes,
  ...serviceAccountsRoutes,
  ...environmentsRoutes,
  ...stacksRoutes,
  ...operationsRoutes,
  ...deploymentsRoutes,
  ...catalogRoutes,
  ...insightsRoutes,
  ...streamsRoutes,
  ...consoleRoutes,
  ...approvalsRoutes,
  ...webhooksRoutes,
} satisfies Record<string, RouteDefinition & { group: ApiGroup }>;

export type RouteName = keyof typeof routes;

/** The table as a list, in declaration order. */
export const routeList: RouteDefinition[] = Object.values(routes);
