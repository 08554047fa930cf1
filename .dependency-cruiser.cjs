/**
 * The layers of `functions/` and what each may import (docs/architecture.md), checked by
 * `npm test` (`npm run deps`). Lower layers never import higher ones; nothing is circular.
 *
 *   platform   config, SDK clients, logging, tracing, metrics, zod      imports nothing of ours
 *   domain     pure rules and use cases (no AWS, no HTTP)               platform/zod only
 *   data       one store per entity (DynamoDB)                          domain, platform
 *   app        the composition root and the AWS adapters of the ports   data, domain, platform
 *   api, steps, events   the Lambda entry points and adapters           app, domain, platform
 *                                                                       (steps and events: not api)
 * `cli/` (envctl) talks HTTP only: it imports nothing of the others. So does the web console
 * (`console/src`), which imports only the generated `cli/api/schema.ts` and `enums.ts`.
 * `local/`, `lib/`, `bench/`, `bin/` and `test/` stand outside: they may use `functions/`,
 * `functions/` never uses them.
 */
const layer = (name) => `^functions/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'cli-talks-http-only',
      severity: 'error',
      comment: 'envctl uses the API through its generated client (cli/api/schema.ts), never its code.',
      from: { path: '^cli/' },
      to: { path: '^(functions|local|lib|bench|bin|test)/' },
    },
    {
      name: 'console-talks-http-only',
      severity: 'error',
      comment:
        'The web console (console/src) uses the API through the generated files (cli/api/schema.ts, enums.ts) only, never its code.',
      from: { path: '^console/' },
      to: { path: '^(functions|local|lib|bench|bin|test)/|^cli/(?!api/(schema|enums)\\.ts$)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules that import each other in a circle cannot be read (or loaded) one at a time.',
      from: { path: '^(functions|lib|local|bench|cli)/' },
      to: { circular: true },
    },
    {
      name: 'platform-is-the-bottom',
      severity: 'error',
      comment: 'Configuration, clients and logging know nothing of the product.',
      from: { path: layer('platform') },
      to: { path: '^functions/', pathNot: layer('platform') },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'The domain has no AWS, no HTTP and no storage: only its own modules and the zod toolkit.',
      from: { path: layer('domain') },
      to: { path: '^functions/', pathNot: [layer('domain'), '^functions/platform/zod\\.ts$'] },
    },
    {
      name: 'domain-has-no-sdk',
      severity: 'error',
      comment: 'No AWS SDK, Lambda types or HTTP middleware in the domain.',
      from: { path: layer('domain') },
      to: { path: '(^|/)node_modules/(@aws-sdk|@smithy|@middy|@aws-lambda-powertools|aws-lambda)/' },
    },
    {
      name: 'data-below-app',
      severity: 'error',
      comment: 'Stores use the domain and the platform; they know no caller.',
      from: { path: layer('data') },
      to: { path: '^functions/', pathNot: [layer('data'), layer('domain'), layer('platform')] },
    },
    {
      name: 'app-below-adapters',
      severity: 'error',
      comment: 'The composition root wires stores and adapters into use cases; it knows no entry point.',
      from: { path: layer('app') },
      to: { path: '^functions/', pathNot: [layer('app'), layer('data'), layer('domain'), layer('platform')] },
    },
    {
      name: 'adapters-use-the-composition-root',
      severity: 'error',
      comment: 'Entry points reach stores through the composition root, never directly.',
      from: { path: '^functions/(api|steps|events)/' },
      to: { path: layer('data') },
    },
    {
      name: 'steps-and-events-are-not-http',
      severity: 'error',
      comment: 'Workflow steps and event targets do not use the HTTP layer.',
      from: { path: '^functions/(steps|events)/' },
      to: { path: layer('api') },
    },
    {
      name: 'functions-stand-alone',
      severity: 'error',
      comment: 'Deployed code never imports the local stand-ins, the CDK app, the bench or tests.',
      from: { path: '^functions/' },
      to: { path: '^(local|lib|bench|bin|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a circle of types is still a circle to a reader.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
