/**
 * The REST API as synthesized: one method per route of the route table, the Cognito
 * authorizer on exactly the non-public ones, stage settings, and API Gateway's own
 * errors in the product's error shape. Paths are rebuilt from the template's resources,
 * so the test does not trust the construct code it checks.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_GROUPS } from '../../functions/api/route-types.ts';
import { routeList } from '../../functions/api/routes.ts';
import { integratedFunctionId, logicalId, referencedId, routeMethods, useSynthesizedApp } from './support.ts';

const synth = useSynthesizedApp();

describe('REST API methods', () => {
  it('has exactly one method per route of the route table', () => {
    const methods = routeMethods(synth.apiTemplate);
    expect(methods.size).toBe(routeList.length);
    expect([...methods.keys()].sort()).toEqual(routeList.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('puts the Cognito authorizer on every non-public route and none on public routes', () => {
    const authorizers = synth.resourcesOfType('AWS::ApiGateway::Authorizer');
    const authorizerIds = Object.keys(authorizers);
    expect(authorizerIds).toHaveLength(1);
    const [authorizerId] = authorizerIds;
    expect(authorizers[authorizerId ?? '']?.Properties?.Type).toBe('COGNITO_USER_POOLS');

    const methods = routeMethods(synth.apiTemplate);
    for (const route of routeList) {
      const props = methods.get(`${route.method} ${route.path}`)?.Properties ?? {};
      if (route.access === 'public') {
        expect(props.AuthorizationType, `${route.operationId} is public`).toBe('NONE');
        expect(props.AuthorizerId, `${route.operationId} is public`).toBeUndefined();
      } else {
        expect(props.AuthorizationType, `${route.operationId} needs a token`).toBe('COGNITO_USER_POOLS');
        expect(referencedId(props.AuthorizerId), `${route.operationId} authorizer`).toBe(authorizerId);
      }
    }
  });

  it('integrates every method (proxy) with the function of its route group', () => {
    const byGroup = new Map<string, Set<string>>();
    const routes = new Map(routeList.map((r) => [`${r.method} ${r.path}`, r]));
    for (const [key, method] of routeMethods(synth.apiTemplate)) {
      const integration = method.Properties?.Integration as { Type: string };
      expect(integration.Type, key).toBe('AWS_PROXY');
      const functionId = integratedFunctionId(method);
      expect(Object.keys(synth.resourcesOfType('AWS::Lambda::Function')), key).toContain(functionId);
      const group = routes.get(key)?.group ?? '?';
      byGroup.set(group, new Set([...(byGroup.get(group) ?? []), functionId]));
    }
    expect([...byGroup.keys()].sort()).toEqual([...API_GROUPS].sort());
    const functionIds = [...byGroup.values()].map((ids) => [...ids]);
    for (const ids of functionIds) expect(ids).toHaveLength(1);
    expect(new Set(functionIds.flat()).size).toBe(API_GROUPS.length);
  });
});

describe('streaming methods (docs/decisions.md §37)', () => {
  it('stream exactly the streaming routes’ answers, with a 15-minute integration and function timeout', () => {
    // Arrange
    const methods = routeMethods(synth.apiTemplate);
    const functions = synth.resourcesOfType('AWS::Lambda::Function');

    // Act
    const modes = routeList.map((route) => {
      const method = methods.get(`${route.method} ${route.path}`);
      const integration = method?.Properties?.Integration as {
        ResponseTransferMode?: string;
        TimeoutInMillis?: number;
      };
      const fn = functions[method ? integratedFunctionId(method) : ''];
      return [
        route.operationId,
        integration.ResponseTransferMode ?? 'BUFFERED',
        integration.TimeoutInMillis ?? 29_000,
        fn?.Properties?.Timeout,
      ];
    });

    // Assert
    const streaming = modes.filter(([, mode]) => mode === 'STREAM');
    expect(streaming).toEqual([
      ['streamOperation', 'STREAM', 900_000, 900],
      ['streamDeployment', 'STREAM', 900_000, 900],
    ]);
    expect(routeList.filter((r) => r.streaming).map((r) => r.operationId)).toEqual([
      'streamOperation',
      'streamDeployment',
    ]);
    for (const [id, , timeout, fnTimeout] of modes.filter(([, mode]) => mode !== 'STREAM')) {
      expect([id, timeout, fnTimeout]).toEqual([id, 29_000, 10]);
    }
  });
});

describe('REST API stage', () => {
  it('is v1, throttled, traced, with JSON access logs and execution logging', () => {
    const stages = Object.values(synth.resourcesOfType('AWS::ApiGateway::Stage'));
    expect(stages).toHaveLength(1);
    const props = stages[0]?.Properties ?? {};
    expect(props.StageName).toBe('v1');
    expect(props.TracingEnabled).toBe(true);
    // 50 rps, burst 100: the figures the AwsSolutions-APIG3 acknowledgement relies on.
    expect(props.MethodSettings).toEqual([
      {
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        MetricsEnabled: true,
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      },
    ]);
    const accessLog = props.AccessLogSetting as { Format: string; DestinationArn: unknown };
    // The REST API's own access log group (kept a month), not any other log group of the stack.
    const accessLogsId = logicalId(synth.api.restApi.node.findChild('AccessLogs'));
    expect(synth.resource('AWS::Logs::LogGroup', accessLogsId).Properties?.RetentionInDays).toBe(30);
    expect(accessLog.DestinationArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':logs:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':log-group:',
          { Ref: accessLogsId },
        ],
      ],
    });
    expect(JSON.parse(accessLog.Format)).toMatchObject({ requestId: '$context.requestId' });
  });
});

describe('API Gateway errors', () => {
  const expected: [type: string, status: string | undefined, code: string][] = [
    ['UNAUTHORIZED', '401', 'UNAUTHORIZED'],
    ['ACCESS_DENIED', '403', 'FORBIDDEN'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'NOT_FOUND'],
    ['REQUEST_TOO_LARGE', '413', 'PAYLOAD_TOO_LARGE'],
    ['THROTTLED', '429', 'THROTTLED'],
    ['DEFAULT_4XX', undefined, '$context.error.responseType'],
    ['INTEGRATION_TIMEOUT', '504', 'INTERNAL_ERROR'],
    ['DEFAULT_5XX', undefined, 'INTERNAL_ERROR'],
  ];

  it.each(expected)('%s answers %s with the contract error shape', (type, status, code) => {
    const responses = Object.values(synth.resourcesOfType('AWS::ApiGateway::GatewayResponse')).filter(
      (r) => r.Properties?.ResponseType === type,
    );
    expect(responses).toHaveLength(1);
    const props = responses[0]?.Properties ?? {};
    expect(props.StatusCode).toBe(status);
    const body = (props.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
    // Substitute the variables the way API Gateway would, then it must be the error shape.
    const rendered = body
      .replaceAll('$context.error.messageString', '"Unauthorized"')
      .replaceAll('$context.error.responseType', 'UNSUPPORTED_MEDIA_TYPE')
      .replaceAll('$context.requestTimeEpoch', '1732269600000')
      .replaceAll('$context.httpMethod', 'GET')
      .replaceAll('$context.path', '/v1/nowhere')
      .replaceAll('$context.requestId', 'req-1');
    const parsed = JSON.parse(rendered) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['detail', 'error_code', 'request_id', 'timestamp']);
    expect(parsed.request_id).toBe('req-1');
    expect(body).toContain(`"error_code":"${code}"`);
  });

  it('answers unknown routes with 404 "Route not found"', () => {
    synth.apiTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp('"detail":"Route not found: \\$context.httpMethod'),
      },
    });
  });
});
