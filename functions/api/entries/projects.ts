/** The `projects` function: every route of `routes/projects.ts`, dispatched by method and path. */

import { routeDispatcher } from '../../shared/route-dispatch.ts';
import { handler as createProject } from '../create-project.ts';
import { handler as deleteProject } from '../delete-project.ts';
import { handler as getProject } from '../get-project.ts';
import { handler as listProjects } from '../list-projects.ts';
import { projectsRoutes } from '../routes/projects.ts';
import { handler as updateProject } from '../update-project.ts';

export const handler = routeDispatcher(projectsRoutes, {
  createProject,
  listProjects,
  getProject,
  updateProject,
  deleteProject,
});
