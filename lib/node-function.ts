/**
 * The one way this app builds a Lambda function: a `NodejsFunction` with the project's
 * defaults fixed, so every function is bundled, sized, traced and logged the same way.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT } from './paths.ts';

/** Lambda's Node.js runtime; local runs and tests pin the same major (see TOOLCHAIN.md). */
export const NODE_RUNTIME: Runtime = Runtime.NODEJS_24_X;

/**
 * ESM output has no `require`, yet bundled code may still call it: CommonJS dependencies
 * loading Node built-ins, or the SDK probing for the optional `@aws-sdk/signature-v4-crt`.
 * A real `require` keeps those working (or failing the way their authors expect).
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild), shared with `npm run bench`, which builds the
 * same bundles and the floor bundle with exactly these settings: ESM for Node 24, minified,
 * the AWS SDK v3 bundled and tree-shaken (nothing external), and an external source map
 * without the sources' text. The map is not loaded at cold start (no `--enable-source-maps`):
 * `functions/platform/stack-traces.ts` reads it when an error is reported.
 */
export const BUNDLE_SETTINGS = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
} as const;

/** What a function needs beyond the fixed defaults. */
export interface NodeFunctionProps {
  /** Absolute path of the TypeScript file that exports `handler`. */
  readonly entry: string;
  /** Shown in the console; the construct id is used when absent. */
  readonly description?: string;
  /** @default 10 seconds: API handlers answer well within API Gateway's 29 s. */
  readonly timeout?: Duration;
  /** @default 256 MB */
  readonly memorySize?: number;
  /** Only the variables this function reads (see `functions/platform/config.ts`). */
  readonly environment?: Record<string, string>;
  /**
   * For functions invoked asynchronously (e.g. by EventBridge): where an event goes once
   * Lambda's own retries of a failed invocation are exhausted. The role may send to it.
   * @default none
   */
  readonly deadLetterQueue?: IQueue;
  /**
   * Directories copied into the bundle after esbuild ran (e.g. the web console's built files),
   * each as `target` next to the handler (Lambda's task root, `/var/task`).
   * @default none
   */
  readonly bundledDirectories?: readonly { readonly source: string; readonly target: string }[];
}

/** Shell commands copying each directory into the bundle, failing plainly when one is missing. */
function copyCommands(
  directories: readonly { source: string; target: string }[],
  outputDir: string,
): string[] {
  return directories.map(
    ({ source, target }) =>
      `test -d "${source}" || { echo "Missing ${source}: run npm run build first" >&2; exit 1; }; cp -R "${source}" "${outputDir}/${target}"`,
  );
}

/**
 * A Node.js 24 arm64 function bundled locally by esbuild (no Docker) with
 * {@link BUNDLE_SETTINGS}: ESM, minified, a source map read only on error, the AWS SDK v3
 * bundled and tree-shaken rather than taken from the runtime (so the deployed SDK is the
 * one the tests ran against). X-Ray tracing on, JSON logs to its own log group kept for a
 * month.
 *
 * It gets its own role with no managed policy: `AWSLambdaBasicExecutionRole` would allow
 * writing to any log group, whereas this role can write to its own log group only.
 */
export class NodeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      // Logs of a stateless function are disposable: `cdk destroy` should not leave them behind.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description ?? id,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      loggingFormat: LoggingFormat.JSON,
      depsLockFilePath: LOCK_FILE,
      projectRoot: REPO_ROOT,
      environment: { ...props.environment },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: BUNDLE_SETTINGS.target,
        mainFields: [...BUNDLE_SETTINGS.mainFields],
        banner: BUNDLE_SETTINGS.banner,
        minify: BUNDLE_SETTINGS.minify,
        sourceMap: BUNDLE_SETTINGS.sourceMap,
        sourcesContent: BUNDLE_SETTINGS.sourcesContent,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Nothing is external: the AWS SDK v3 is bundled and tree-shaken with the handler.
        externalModules: [],
        ...(props.bundledDirectories?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (_inputDir: string, outputDir: string) =>
                  copyCommands(props.bundledDirectories ?? [], outputDir),
              },
            }
          : {}),
      },
    });
    // The role only writes to the function's own log group.
    logGroup.grantWrite(role);
    // Tracing.ACTIVE adds xray:PutTraceSegments/PutTelemetryRecords on "*" to this role.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords (added by active tracing) support no resource-level permissions, so their resource must be "*"',
    });
  }
}
