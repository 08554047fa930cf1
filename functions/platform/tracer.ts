/**
 * Powertools Tracer, one instance per container: it wraps the SDK clients (`clients.ts`)
 * so each AWS call is an X-Ray subsegment of the invocation (the functions have active
 * tracing). Outside Lambda (local mode, tests) it disables itself and leaves clients as
 * they are.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SERVICE_NAME } from './observability.ts';

export const tracer = /* @__PURE__ */ new Tracer({ serviceName: SERVICE_NAME });
