/**
 * Stack kind `dns`: the public and private hosted zones of the domain and its TLS certificate.
 */
import { monthly, PRICES } from '../prices.ts';
import { LOWER_ALNUM, type Rng } from '../random.ts';
import { needString } from './dependencies.ts';
import { type BuildContext, type Built, defineStack } from './kind.ts';
import { arnOf, hostedZoneId } from './naming.ts';
import { spec } from './specs.ts';

export const definition = defineStack({
  name: 'dns',
  description: 'Public hosted zone for the domain, private zone in the VPC, TLS certificate validated by DNS',
  dependsOn: ['network'],
  durationSeconds: { min: 90, max: 240 },
  destroyDurationSeconds: { min: 30, max: 60 },
  resources: [
    spec(
      'HostedZone',
      'AWS::Route53::HostedZone',
      'Public hosted zone of the domain',
      monthly(PRICES.hostedZoneMonth),
    ),
    spec(
      'PrivateHostedZone',
      'AWS::Route53::HostedZone',
      'Private hosted zone associated with the VPC',
      monthly(PRICES.hostedZoneMonth),
    ),
    spec(
      'Certificate',
      'AWS::CertificateManager::Certificate',
      'Certificate for the domain and its subdomains',
    ),
  ],
  outputs: [
    'hosted_zone_id',
    'domain_name',
    'name_servers',
    'certificate_arn',
    'private_hosted_zone_id',
    'private_domain_name',
  ],
});

/** Route 53 name servers: ns-0…511 are .com, 512…1023 .net, 1024…1535 .org, 1536…2047 .co.uk. */
function nameServers(rng: Rng): string[] {
  return ['com', 'net', 'org', 'co.uk'].map((tld, i) => {
    const n = i * 512 + rng.int(0, 511);
    return `ns-${n}.awsdns-${String(Math.floor((n % 512) / 8)).padStart(2, '0')}.${tld}`;
  });
}

export function build(s: BuildContext): Built {
  const vpcId = needString(s, 'network', 'vpc_id');
  const domain = s.params.domain;
  const privateDomain = `internal.${domain}`;
  const zoneId = hostedZoneId(s.rng);
  const privateZoneId = hostedZoneId(s.rng);
  const servers = nameServers(s.rng);
  const certArn = arnOf(s, 'acm', `certificate/${s.rng.uuid()}`);
  return {
    resources: {
      HostedZone: {
        id: zoneId,
        arn: `arn:aws:route53:::hostedzone/${zoneId}`,
        properties: {
          Name: `${domain}.`,
          NameServers: servers,
          HostedZoneConfig: { Comment: `Environment ${s.env}` },
        },
      },
      PrivateHostedZone: {
        id: privateZoneId,
        arn: `arn:aws:route53:::hostedzone/${privateZoneId}`,
        properties: { Name: `${privateDomain}.`, VPCs: [{ VPCId: vpcId, VPCRegion: s.region }] },
      },
      Certificate: {
        id: certArn,
        arn: certArn,
        properties: {
          DomainName: domain,
          SubjectAlternativeNames: [`*.${domain}`],
          ValidationMethod: 'DNS',
          KeyAlgorithm: 'RSA_2048',
          DomainValidationOptions: [{ DomainName: domain, HostedZoneId: zoneId }],
          ValidationRecord: {
            Name: `_${s.rng.hex(32)}.${domain}.`,
            Type: 'CNAME',
            Value: `_${s.rng.hex(32)}.${s.rng.string(LOWER_ALNUM, 10)}.acm-validations.aws.`,
          },
        },
      },
    },
    outputs: {
      hosted_zone_id: zoneId,
      domain_name: domain,
      name_servers: servers,
      certificate_arn: certArn,
      private_hosted_zone_id: privateZoneId,
      private_domain_name: privateDomain,
    },
  };
}
