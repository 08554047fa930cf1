/**
 * Stack kind `database-rds`: an RDS instance (PostgreSQL or MySQL), its subnet group and
 * parameter group.
 */
import { HOURS_PER_MONTH, PRICES } from '../prices.ts';
import { ALNUM, createRng, LOWER_ALNUM, UPPER_ALNUM } from '../random.ts';
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf } from './naming.ts';
import { dbPort } from './parameters.ts';
import { spec } from './specs.ts';

export const definition = defineStack({
  name: 'database-rds',
  description: 'RDS database instance (PostgreSQL or MySQL) in the private subnets, encrypted, TLS enforced',
  dependsOn: ['network', 'security'],
  durationSeconds: { min: 300, max: 480 },
  destroyDurationSeconds: { min: 240, max: 420 },
  resources: [
    spec('DbSubnetGroup', 'AWS::RDS::DBSubnetGroup', 'The private subnets the database may use'),
    spec('DbParameterGroup', 'AWS::RDS::DBParameterGroup', 'Engine parameters: TLS required'),
    spec(
      'DbInstance',
      'AWS::RDS::DBInstance',
      'Single-AZ database instance with gp3 storage',
      (p) => PRICES.rdsHour[p.db_instance_class] * HOURS_PER_MONTH + p.storage_gb * PRICES.rdsGp3GbMonth,
    ),
  ],
  outputs: [
    'endpoint',
    'port',
    'engine',
    'engine_version',
    'db_name',
    'master_username',
    'master_user_secret_arn',
    'db_instance_identifier',
    'db_instance_arn',
    'db_resource_id',
    'subnet_group_name',
    'security_group_id',
  ],
});

/** The cluster-unique part of RDS endpoints is fixed per account and region, as in AWS. */
const rdsEndpointSuffix = (s: BuildContext): string =>
  `${createRng(`rds-endpoint|${s.account}|${s.region}`).string(LOWER_ALNUM, 12)}.${s.region}.rds.amazonaws.com`;

const ENGINES = {
  postgres: { version: '17.6', family: 'postgres17', tls: { 'rds.force_ssl': '1' } },
  mysql: { version: '8.4.6', family: 'mysql8.4', tls: { require_secure_transport: 'ON' } },
} as const;

export function build(s: BuildContext): Built {
  const subnetIds = needStrings(s, 'network', 'private_subnet_ids');
  const azs = needStrings(s, 'network', 'availability_zones');
  const sgId = needString(s, 'security', 'database_security_group_id');
  const kmsKeyArn = needString(s, 'security', 'kms_key_arn');
  const engine = s.params.db_engine;
  const { version, family, tls } = ENGINES[engine];
  const port = dbPort(s.params);
  // DB identifiers must start with a letter.
  const identifier = /^[a-z]/.test(s.stem) ? `${s.stem}-db` : `db-${s.stem}`;
  const subnetGroup = `${s.stem}-db-subnets`;
  const parameterGroup = `${s.stem}-${family.replace('.', '-')}`;
  const endpoint = `${identifier}.${rdsEndpointSuffix(s)}`;
  const resourceId = `db-${s.rng.string(UPPER_ALNUM, 26)}`;
  const secretArn = arnOf(s, 'secretsmanager', `secret:rds!db-${s.rng.uuid()}-${s.rng.string(ALNUM, 6)}`);
  const dbArn = arnOf(s, 'rds', `db:${identifier}`);
  const masterUsername = 'dbadmin';
  const dbName = 'app';
  return {
    resources: {
      DbSubnetGroup: {
        id: subnetGroup,
        arn: arnOf(s, 'rds', `subgrp:${subnetGroup}`),
        properties: {
          DBSubnetGroupName: subnetGroup,
          DBSubnetGroupDescription: `Private subnets of ${s.env}`,
          SubnetIds: [...subnetIds],
        },
      },
      DbParameterGroup: {
        id: parameterGroup,
        arn: arnOf(s, 'rds', `pg:${parameterGroup}`),
        properties: { Family: family, Description: 'TLS required', Parameters: { ...tls } },
      },
      DbInstance: {
        id: resourceId,
        arn: dbArn,
        properties: {
          DBInstanceIdentifier: identifier,
          DbiResourceId: resourceId,
          Engine: engine,
          EngineVersion: version,
          DBInstanceClass: s.params.db_instance_class,
          AllocatedStorage: s.params.storage_gb,
          StorageType: 'gp3',
          StorageEncrypted: true,
          KmsKeyId: kmsKeyArn,
          DBName: dbName,
          MasterUsername: masterUsername,
          ManageMasterUserPassword: true,
          MasterUserSecret: { SecretArn: secretArn, KmsKeyId: kmsKeyArn },
          DBSubnetGroupName: subnetGroup,
          DBParameterGroupName: parameterGroup,
          VPCSecurityGroups: [sgId],
          AvailabilityZone: s.rng.pick(azs),
          MultiAZ: false,
          PubliclyAccessible: false,
          BackupRetentionPeriod: 7,
          DeletionProtection: false,
          Endpoint: { Address: endpoint, Port: port },
        },
      },
    },
    outputs: {
      endpoint,
      port,
      engine,
      engine_version: version,
      db_name: dbName,
      master_username: masterUsername,
      master_user_secret_arn: secretArn,
      db_instance_identifier: identifier,
      db_instance_arn: dbArn,
      db_resource_id: resourceId,
      subnet_group_name: subnetGroup,
      security_group_id: sgId,
    },
  };
}
