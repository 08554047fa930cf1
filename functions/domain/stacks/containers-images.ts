/**
 * Stack kind `containers-images`: the web application's image repository and the CodeBuild
 * project that builds its image.
 */
import { needString } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf } from './naming.ts';
import { isArm } from './parameters.ts';
import { registryUri, repository, role } from './resources.ts';
import { roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'containers-images',
  description: 'ECR repository for the web application image and the CodeBuild project that builds it',
  dependsOn: ['authentication'],
  durationSeconds: { min: 20, max: 45 },
  destroyDurationSeconds: { min: 10, max: 25 },
  resources: [
    spec('WebRepository', 'AWS::ECR::Repository', 'Image repository (scan on push, immutable tags)'),
    roleSpec('BuildRole', 'Role of the image build'),
    spec('BuildProject', 'AWS::CodeBuild::Project', 'Builds the image with the sign-in settings baked in'),
  ],
  outputs: [
    'repository_name',
    'repository_arn',
    'repository_uri',
    'image_tag',
    'image_uri',
    'image_digest',
    'build_project_name',
  ],
});

export function build(s: BuildContext): Built {
  const userPoolId = needString(s, 'authentication', 'user_pool_id');
  const clientId = needString(s, 'authentication', 'user_pool_client_id');
  const issuer = needString(s, 'authentication', 'issuer_url');
  const repo = repository(s, `${s.stem}/web`);
  const uri = `${registryUri(s)}/${repo.id}`;
  const buildRole = role(s, 'image-build', 'codebuild.amazonaws.com', [
    'AmazonEC2ContainerRegistryPowerUser',
  ]);
  const projectName = `${s.stem}-web-image`;
  const tag = `1.0.${s.rng.int(0, 40)}-${s.rng.hex(7)}`;
  const digest = `sha256:${s.rng.hex(64)}`;
  return {
    resources: {
      WebRepository: repo,
      BuildRole: buildRole,
      BuildProject: {
        id: projectName,
        arn: arnOf(s, 'codebuild', `project/${projectName}`),
        properties: {
          Name: projectName,
          ServiceRole: buildRole.arn,
          Environment: {
            Type: isArm(s.params) ? 'ARM_CONTAINER' : 'LINUX_CONTAINER',
            ComputeType: 'BUILD_GENERAL1_SMALL',
            Image: isArm(s.params)
              ? 'aws/codebuild/amazonlinux-aarch64-standard:3.0'
              : 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
            PrivilegedMode: true,
            EnvironmentVariables: [
              { Name: 'REPOSITORY_URI', Value: uri },
              { Name: 'COGNITO_USER_POOL_ID', Value: userPoolId },
              { Name: 'COGNITO_CLIENT_ID', Value: clientId },
              { Name: 'COGNITO_ISSUER', Value: issuer },
            ],
          },
        },
      },
    },
    outputs: {
      repository_name: repo.id,
      repository_arn: repo.arn,
      repository_uri: uri,
      image_tag: tag,
      image_uri: `${uri}:${tag}`,
      image_digest: digest,
      build_project_name: projectName,
    },
  };
}
