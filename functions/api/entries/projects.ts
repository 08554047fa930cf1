/** The `projects` function: every route of `routes/projects.ts`, dispatched by method and path. */

import { handler as createProject } from '../handlers/create-project.ts';
import { handler as deleteProject } from '../handlers/delete-project.ts';
import { handler as getProject } from '../handlers/get-project.ts';
import { handler as listProjects } from '../handlers/list-projects.ts';
import { handler as updateProject } from '../handlers/update-project.ts';
import { routeDispatcher } from '../http/route-dispatch.ts';
import { projectsRoutes } from '../routes/projects.ts';

export const handler = routeDispatcher(projectsRoutes, {
  createProject,
  listProjects,
  getProject,
  updateProject,
  deleteProject,
});
