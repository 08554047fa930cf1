/**
 * The API stack's resource budget (docs/decisions.md §28): CloudFormation refuses a stack
 * of more than 500 resources. Functions are grouped per capability so that the stack stays
 * far below it and a new route in an existing group costs at most its method and its path.
 */
import { describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../functions/api/route-types.ts';
import { routeList } from '../../functions/api/routes.ts';
import { ApiStack } from '../../lib/api-stack.ts';
import { StatefulStack } from '../../lib/stateful-stack.ts';
import { newTestApp, synthesizeWithFindings } from './support.ts';

/** The number of resources of the API stack serving `routes`. */
function apiStackResources(routes?: readonly RouteDefinition[]): number {
  const app = newTestApp();
  const stateful = new StatefulStack(app, 'EnvProvisioning-Stateful');
  const api = new ApiStack(app, 'EnvProvisioning-Api', {
    table: stateful.table,
    ...(routes ? { routes } : {}),
  });
  synthesizeWithFindings(app);
  const template = app.synth().getStackByName(api.stackName).template as { Resources: object };
  return Object.keys(template.Resources).length;
}

const TODAY = apiStackResources();

describe('the API stack', () => {
  it('stays within its budget of 300 resources (CloudFormation’s limit is 500)', () => {
    expect(TODAY).toBeLessThanOrEqual(300);
  });

  it('grows by at most 2 resources (the method and its path) for a new route in an existing group', () => {
    // Arrange: a route under a path that does not exist yet, in the projects group.
    const template = routeList.find((r) => r.operationId === 'getProject');
    if (!template) throw new Error('no getProject route');
    const added: RouteDefinition = {
      ...template,
      operationId: 'archiveProject',
      method: 'POST',
      path: '/projects/{project_id}/archive',
    };
    // Act
    const withRoute = apiStackResources([...routeList, added]);
    // Assert
    // Exactly the two: the path is new, so API Gateway needs its resource as well as the method.
    expect(withRoute - TODAY).toBe(2);
  });

  it('grows by 1 resource for a new method on an existing path', () => {
    const template = routeList.find((r) => r.operationId === 'getProject');
    if (!template) throw new Error('no getProject route');
    const added: RouteDefinition = { ...template, operationId: 'replaceProject', method: 'PUT' };
    expect(apiStackResources([...routeList, added]) - TODAY).toBe(1);
  });
});
