/**
 * Stack kind `storage`: the assets bucket and the bucket of its access logs.
 */
import { needString } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { trunc } from './naming.ts';
import { spec } from './specs.ts';

export const definition = defineStack({
  name: 'storage',
  description:
    'S3 bucket for application assets (SSE-KMS with the environment key) and a bucket for its access logs',
  dependsOn: ['security'],
  durationSeconds: { min: 15, max: 35 },
  destroyDurationSeconds: { min: 10, max: 30 },
  resources: [
    spec('AccessLogsBucket', 'AWS::S3::Bucket', 'Server access logs of the assets bucket (SSE-S3)'),
    spec(
      'AssetsBucket',
      'AWS::S3::Bucket',
      'Application assets, versioned, encrypted with the environment key',
    ),
  ],
  outputs: [
    'bucket_name',
    'bucket_arn',
    'bucket_regional_domain_name',
    'logs_bucket_name',
    'logs_bucket_arn',
    'kms_key_arn',
  ],
});

/** S3 bucket names are global: DNS-safe, at most 63 characters, never `xn--…`/`sthree-…`. */
function bucketName(s: BuildContext, purpose: string): string {
  const env = /^(xn--|sthree-|amzn-s3-demo-)/.test(s.env) ? `env-${s.env}` : s.env;
  return `${trunc(env, 63 - purpose.length - s.short.length - 2)}-${purpose}-${s.short}`;
}

export function build(s: BuildContext): Built {
  const kmsKeyArn = needString(s, 'security', 'kms_key_arn');
  const logsBucket = bucketName(s, 'logs');
  const assetsBucket = bucketName(s, 'assets');
  const publicAccessBlock = {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  };
  return {
    resources: {
      AccessLogsBucket: {
        id: logsBucket,
        arn: `arn:aws:s3:::${logsBucket}`,
        properties: {
          BucketName: logsBucket,
          // Server access logs cannot be delivered to an SSE-KMS bucket.
          BucketEncryption: { ServerSideEncryptionConfiguration: [{ SSEAlgorithm: 'AES256' }] },
          PublicAccessBlockConfiguration: publicAccessBlock,
          OwnershipControls: { ObjectOwnership: 'BucketOwnerEnforced' },
          LifecycleConfiguration: { Rules: [{ Id: 'expire-logs', Status: 'Enabled', ExpirationInDays: 90 }] },
        },
      },
      AssetsBucket: {
        id: assetsBucket,
        arn: `arn:aws:s3:::${assetsBucket}`,
        properties: {
          BucketName: assetsBucket,
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKeyArn, BucketKeyEnabled: true },
            ],
          },
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: publicAccessBlock,
          OwnershipControls: { ObjectOwnership: 'BucketOwnerEnforced' },
          LoggingConfiguration: { DestinationBucketName: logsBucket, LogFilePrefix: 'assets/' },
          RegionalDomainName: `${assetsBucket}.s3.${s.region}.amazonaws.com`,
        },
      },
    },
    outputs: {
      bucket_name: assetsBucket,
      bucket_arn: `arn:aws:s3:::${assetsBucket}`,
      bucket_regional_domain_name: `${assetsBucket}.s3.${s.region}.amazonaws.com`,
      logs_bucket_name: logsBucket,
      logs_bucket_arn: `arn:aws:s3:::${logsBucket}`,
      kms_key_arn: kmsKeyArn,
    },
  };
}
