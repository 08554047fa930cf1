/**
 * `npm start`: the whole API on one machine, data kept under `.local/` across restarts.
 *
 * Environment: PORT (default 3000), SIMULATION_TIME_SCALE (default 0.02; 0 = no waits),
 * SWEEP_INTERVAL_SECONDS (how often the TTL sweeper runs; default 5; 0 = never), LOCAL_DATA_DIR
 * (where the data is kept; default `.local/`), APPROVAL_TIMEOUT_SECONDS (how long an operation
 * waits for an approval; default 7 days).
 * Every child process (DynamoDB Local's Java) is stopped on exit, Ctrl-C, SIGTERM and on a
 * crash; a watchdog in dynamodb.ts covers even SIGKILL.
 */
import { buildConsole, consoleIsBuilt } from './console-build.ts';
import { DEFAULT_DATA_DIR, type LocalRuntime, startLocal } from './runtime.ts';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid PORT: ${process.env.PORT}`);
  process.exit(1);
}

let runtime: LocalRuntime | undefined;
let shuttingDown = false;

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) {
    // A second Ctrl-C while stopping: leave at once (the exit hook still kills Java).
    process.exit(exitCode || 130);
  }
  shuttingDown = true;
  console.log(`\n${reason}: stopping…`);
  // Do not hang forever on a stuck stop: the exit hook and the watchdog finish the job.
  const force = setTimeout(() => process.exit(exitCode || 1), 10_000);
  force.unref();
  try {
    await runtime?.stop();
  } catch (error) {
    console.error('Stop failed:', error);
  }
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown('SIGINT', 0));
process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
process.on('SIGHUP', () => void shutdown('SIGHUP', 0));
process.on('uncaughtException', (error) => {
  console.error('Uncaught exception:', error);
  void shutdown('crash', 1);
});
process.on('unhandledRejection', (reason) => {
  console.error('Unhandled rejection:', reason);
  void shutdown('crash', 1);
});

if (!consoleIsBuilt()) {
  console.log('Building the web console (console/dist; npm run build rebuilds it)…');
  await buildConsole();
}

try {
  runtime = await startLocal({
    port,
    persist: true,
    dataDir: process.env.LOCAL_DATA_DIR || DEFAULT_DATA_DIR,
  });
} catch (error) {
  console.error('Local mode failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
}

const api = `http://localhost:${runtime.port}/v1`;
const developer = runtime.seedUsers.find((user) => user.group === 'Developers') ?? runtime.seedUsers[0];
const width = Math.max(...runtime.seedUsers.map((user) => user.email.length));
const lines = [
  '',
  `Cloud Environment Provisioning API (local mode) at ${api}`,
  `  data: ${runtime.dataDir} (kept across restarts; npm run reset wipes it)`,
  `  simulated durations × ${runtime.env.SIMULATION_TIME_SCALE} (SIMULATION_TIME_SCALE)`,
  runtime.sweepIntervalMs > 0
    ? `  TTL sweeper every ${runtime.sweepIntervalMs / 1000} s (SWEEP_INTERVAL_SECONDS; 0 turns it off)`
    : '  TTL sweeper off (SWEEP_INTERVAL_SECONDS=0): expired environments are not torn down',
  `  user pool ${runtime.userPoolId}, app client ${runtime.clientId}`,
  `  event bus ${runtime.services.eventBridge.busName}: notifications print as [notify] lines`,
  '',
  'Seeded users (one per group):',
  ...runtime.seedUsers.map((user) => `  ${user.email.padEnd(width)}  ${user.password}  ${user.group}`),
  '',
  'Try it (bash/zsh):',
  `  API=${api}`,
  `  json() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }`,
  `  TOKEN=$(curl -s -X POST $API/auth/login -H 'Content-Type: application/json' \\`,
  `    -d '{"email":"${developer?.email}","password":"${developer?.password}"}' | json .id_token)`,
  `  curl -s $API/me -H "Authorization: Bearer $TOKEN"`,
  `  PROJECT_ID=$(curl -s -X POST $API/projects -H "Authorization: Bearer $TOKEN" \\`,
  `    -H 'Content-Type: application/json' -d '{"name":"demo"}' | json .id)`,
  `  ENV_ID=$(curl -s -X POST $API/projects/$PROJECT_ID/environments -H "Authorization: Bearer $TOKEN" \\`,
  `    -H 'Content-Type: application/json' -d '{"name":"preview-1","type":"ephemeral","template":"minimal"}' | json .id)`,
  `  curl -s $API/environments/$ENV_ID -H "Authorization: Bearer $TOKEN"`,
  '',
  'Sign up your own user (auto-confirmed locally):',
  `  curl -s -X POST $API/auth/signup -H 'Content-Type: application/json' \\`,
  `    -d '{"email":"you@example.com","password":"YourPassw0rd!x"}'`,
  '',
  'The full walk-through (create, watch, read stacks, destroy) is in README.md.',
  `Web console: ${api}/console/ (sign in as ${developer?.email})`,
  `Swagger UI: ${api}/docs`,
  'Ctrl-C stops everything.',
  '',
];
console.log(lines.join('\n'));
