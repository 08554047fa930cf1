/** Routes of the `catalog` function. Templates and validation: what can be built, checked without creating anything. */
import {
  AwsValidation,
  DependencyValidation,
  ManifestValidation,
  RenderedManifest,
  RenderTemplateInput,
  ValidateAwsInput,
  ValidateDependenciesInput,
  ValidateManifestInput,
} from '../../domain/validation-documents.ts';
import { TemplateDetail, TemplateList, TemplatePath } from '../contract/templates.ts';
import { route, routeGroup } from '../route-types.ts';

export const catalogRoutes = routeGroup('catalog', {
  listTemplates: route({
    operationId: 'listTemplates',
    method: 'GET',
    path: '/templates',
    access: 'read',
    summary: 'Built-in templates',
    tag: 'templates',
    success: { status: 200, description: 'Templates', schema: TemplateList },
  }),
  getTemplate: route({
    operationId: 'getTemplate',
    method: 'GET',
    path: '/templates/{name}',
    access: 'read',
    summary: 'A template: stacks, dependencies, computed layers, parameters',
    tag: 'templates',
    request: { params: TemplatePath },
    success: { status: 200, description: 'The template', schema: TemplateDetail },
    errors: [404],
  }),
  renderTemplate: route({
    operationId: 'renderTemplate',
    method: 'POST',
    path: '/templates/{name}/render',
    access: 'read',
    summary:
      'Render a template with parameters into a manifest: resolved parameters, stacks, layers, cost and duration estimates',
    tag: 'templates',
    request: { params: TemplatePath, body: RenderTemplateInput },
    success: { status: 200, description: 'The manifest (nothing is created)', schema: RenderedManifest },
    errors: [404],
  }),
  validateManifest: route({
    operationId: 'validateManifest',
    method: 'POST',
    path: '/validate/manifest',
    access: 'read',
    summary:
      'Validate a manifest (template, parameters, region, account, optional custom stack graph): errors and warnings',
    tag: 'validation',
    request: { body: ValidateManifestInput },
    success: {
      status: 200,
      description: 'The verdict; problems with the manifest’s values are listed in errors (valid: false)',
      schema: ManifestValidation,
    },
  }),
  validateDependencies: route({
    operationId: 'validateDependencies',
    method: 'POST',
    path: '/validate/dependencies',
    access: 'read',
    summary: 'Validate a dependency graph: its layers, or the cycle and the missing dependencies named',
    tag: 'validation',
    request: { body: ValidateDependenciesInput },
    success: { status: 200, description: 'Layers, or why there are none', schema: DependencyValidation },
  }),
  validateAws: route({
    operationId: 'validateAws',
    method: 'POST',
    path: '/validate/aws',
    needs: { table: 'read' },
    access: 'read',
    summary:
      'Simulated pre-flight checks of an AWS account and region: formats, permissions, quotas with current usage',
    tag: 'validation',
    request: { body: ValidateAwsInput },
    success: { status: 200, description: 'Each check with its status', schema: AwsValidation },
  }),
});
