/**
 * Stack kind `monitoring`: VPC flow logs, an alarm topic, a NAT gateway alarm and a dashboard.
 */
import { monthly, PRICES } from '../prices.ts';
import { needString, needStrings } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf, ec2Arn, ec2Id } from './naming.ts';
import { logGroup, role } from './resources.ts';
import { logGroupSpec, roleSpec, spec } from './specs.ts';

export const definition = defineStack({
  name: 'monitoring',
  description: 'VPC flow logs, an alarm topic, a NAT gateway alarm and a CloudWatch dashboard',
  dependsOn: ['network'],
  durationSeconds: { min: 15, max: 40 },
  destroyDurationSeconds: { min: 10, max: 25 },
  resources: [
    spec('AlarmTopic', 'AWS::SNS::Topic', 'Alarm notifications'),
    logGroupSpec('FlowLogGroup', 'VPC flow logs (rejected traffic)'),
    roleSpec('FlowLogRole', 'Lets VPC flow logs write to CloudWatch Logs'),
    spec('VpcFlowLog', 'AWS::EC2::FlowLog', 'Flow log of the VPC'),
    spec(
      'NatGatewayErrorAlarm',
      'AWS::CloudWatch::Alarm',
      'NAT gateway port allocation errors',
      monthly(PRICES.alarmMonth),
    ),
    spec('Dashboard', 'AWS::CloudWatch::Dashboard', 'Environment dashboard', monthly(PRICES.dashboardMonth)),
  ],
  outputs: [
    'alarm_topic_arn',
    'alarm_names',
    'dashboard_name',
    'dashboard_url',
    'flow_log_id',
    'log_group_name',
  ],
});

export function build(s: BuildContext): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const natGatewayId = needStrings(s, 'network', 'nat_gateway_ids')[0] as string;
  const topicName = `${s.stem}-alarms`;
  const topicArn = arnOf(s, 'sns', topicName);
  const logs = logGroup(s, `/vpc/${s.stem}/flow-logs`, 14);
  const flowLogRole = role(s, 'flow-logs', 'vpc-flow-logs.amazonaws.com', []);
  const flowLogId = ec2Id(s, 'fl');
  const alarmName = `${s.stem}-nat-port-allocation-errors`;
  const dashboardName = `${s.stem}-overview`;
  return {
    resources: {
      AlarmTopic: {
        id: topicArn,
        arn: topicArn,
        properties: { TopicName: topicName, KmsMasterKeyId: 'alias/aws/sns' },
      },
      FlowLogGroup: logs,
      FlowLogRole: flowLogRole,
      VpcFlowLog: {
        id: flowLogId,
        arn: ec2Arn(s, 'vpc-flow-log', flowLogId),
        properties: {
          ResourceId: vpcId,
          ResourceType: 'VPC',
          TrafficType: 'REJECT',
          LogDestinationType: 'cloud-watch-logs',
          LogGroupName: logs.id,
          DeliverLogsPermissionArn: flowLogRole.arn,
          MaxAggregationInterval: 600,
        },
      },
      NatGatewayErrorAlarm: {
        id: alarmName,
        arn: arnOf(s, 'cloudwatch', `alarm:${alarmName}`),
        properties: {
          AlarmName: alarmName,
          Namespace: 'AWS/NATGateway',
          MetricName: 'ErrorPortAllocation',
          Dimensions: [{ Name: 'NatGatewayId', Value: natGatewayId }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [topicArn],
        },
      },
      Dashboard: {
        id: dashboardName,
        arn: `arn:aws:cloudwatch::${s.account}:dashboard/${dashboardName}`,
        properties: {
          DashboardName: dashboardName,
          Widgets: [
            {
              title: 'NAT gateway bytes out',
              metric: 'AWS/NATGateway BytesOutToDestination',
              NatGatewayId: natGatewayId,
            },
            { title: 'Rejected VPC traffic', logGroup: logs.id },
          ],
        },
      },
    },
    outputs: {
      alarm_topic_arn: topicArn,
      alarm_names: [alarmName],
      dashboard_name: dashboardName,
      dashboard_url: `https://${s.region}.console.aws.amazon.com/cloudwatch/home?region=${s.region}#dashboards/dashboard/${dashboardName}`,
      flow_log_id: flowLogId,
      log_group_name: logs.id,
    },
  };
}
