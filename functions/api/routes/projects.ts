/** Routes of the `projects` function. Projects: the containers of environments. */
import { CreateProjectInput, UpdateProjectInput } from '../../domain/inputs.ts';
import { PageQuery } from '../contract/common.ts';
import { Project, ProjectPage, ProjectPath } from '../contract/projects.ts';
import { route, routeGroup } from '../route-types.ts';

export const projectsRoutes = routeGroup('projects', {
  createProject: route({
    operationId: 'createProject',
    method: 'POST',
    path: '/projects',
    needs: { table: 'readwrite' },
    access: 'write',
    idempotent: true,
    summary: 'Create a project',
    tag: 'projects',
    request: { body: CreateProjectInput },
    success: { status: 201, description: 'Project created', schema: Project },
    errors: [409],
  }),
  listProjects: route({
    operationId: 'listProjects',
    method: 'GET',
    path: '/projects',
    needs: { table: 'read' },
    access: 'read',
    summary: 'List projects (yours; everyone’s for Administrators and ReadOnly)',
    tag: 'projects',
    request: { query: PageQuery },
    success: { status: 200, description: 'A page of projects', schema: ProjectPage },
  }),
  getProject: route({
    operationId: 'getProject',
    method: 'GET',
    path: '/projects/{project_id}',
    needs: { table: 'read' },
    access: 'read',
    summary: 'Get a project',
    tag: 'projects',
    request: { params: ProjectPath },
    success: { status: 200, description: 'The project', schema: Project },
    errors: [404],
  }),
  updateProject: route({
    operationId: 'updateProject',
    method: 'PATCH',
    path: '/projects/{project_id}',
    needs: { table: 'readwrite' },
    access: 'write',
    ifMatch: true,
    summary: 'Rename a project or change its description (honours If-Match: <version>)',
    tag: 'projects',
    request: { params: ProjectPath, body: UpdateProjectInput },
    success: { status: 200, description: 'The updated project', schema: Project },
    errors: [404, 409],
  }),
  deleteProject: route({
    operationId: 'deleteProject',
    method: 'DELETE',
    path: '/projects/{project_id}',
    needs: { table: 'readwrite' },
    access: 'write',
    summary: 'Delete a project that has no live environments',
    tag: 'projects',
    request: { params: ProjectPath },
    success: { status: 204, description: 'Deleted' },
    errors: [404, 409],
  }),
});
