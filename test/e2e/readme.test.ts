/**
 * Runs the README's curl walk-through, word for word, against local mode: the commands
 * between the `walkthrough:start` and `walkthrough:end` markers (and the other tested
 * sections'), with only the port changed (the test runtime listens on a free one). Then the
 * envctl block of "Command line" (`cli:start` … `cli:end`), verbatim, with ENVCTL_API_URL
 * pointing at the test runtime and XDG_CONFIG_HOME at a temporary directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLocalMode } from './support.ts';

type Json = Record<string, unknown>;

// Waits slowed to 100 ms each, so the cancel example catches its run in flight.
const local = useLocalMode({ waitOverrideMs: 100 });

/**
 * Runs a bash script without blocking this process: the local runtime that answers the
 * script's curl calls lives in the same event loop.
 */
function runBash(
  script: string,
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The bash blocks between the `<name>:start` and `<name>:end` markers of each section, in order. */
function readmeScript(names: readonly string[]): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  return names
    .map(
      (name) => new RegExp(`<!-- ${name}:start -->([\\s\\S]*?)<!-- ${name}:end -->`).exec(readme)?.[1] ?? '',
    )
    .flatMap((section) => [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]))
    .join('\n');
}

/** The bash blocks of the README's tested curl sections, in order. */
function walkthroughScript(): string {
  return readmeScript([
    'walkthrough',
    'engine',
    'streams',
    'ttl',
    'audit',
    'approvals',
    'webhooks',
    'deployments',
    'events',
    'stacks',
    'idempotency',
    'service-accounts',
    // Last: its preview's deployment would move the counters the events section prints.
    'previews',
  ]);
}

describe('the README walk-through', () => {
  // First: it leaves no environment behind (it destroys what it creates), while the curl walk-through
  // leaves some in the default account, whose VPC quota the block's creates would then meet.
  it('runs the envctl block of "Command line" verbatim, logged in under a temporary XDG_CONFIG_HOME', async () => {
    // Arrange
    const script = readmeScript(['cli']);
    expect(script.split('\n').filter((l) => l.startsWith('npx envctl ')).length).toBe(11);
    const config = mkdtempSync(join(tmpdir(), 'envctl-readme-'));
    // Act
    const run = await runBash(script, 150_000, {
      ENVCTL_API_URL: local.api.baseUrl,
      XDG_CONFIG_HOME: config,
    });
    const stored = JSON.parse(readFileSync(join(config, 'envctl', 'credentials.json'), 'utf8')) as Json;
    rmSync(config, { recursive: true, force: true });
    // Assert
    expect(run.stderr).toMatch(
      /^(environments: showing the first 5; more exist \(use --limit to see more\)\n)?$/,
    );
    expect(run.status).toBe(0);
    expect(stored).toMatchObject({ api_url: local.api.baseUrl, email: 'developer@example.com' });
    const out = run.stdout;
    expect(out).toMatch(/^Logged in as developer@example\.com\nid: prj_[0-9a-z]{26}\nname: payments\n/);
    expect(out).toMatch(/\npreview \(env_[0-9a-z]{26}\): operation op_[0-9a-z]{26}\n/);
    expect(out).toMatch(/\noperation op_[0-9a-z]{26}: succeeded\noutputs:\n/);
    expect(out).toMatch(
      /\nname: preview\nstatus: running\ntemplate: default\nprogress: layer 5\/5, 16\/16 stacks\n/,
    );
    expect(out).toMatch(/\nenv_[0-9a-z]{26} +preview +running +default +prj_[0-9a-z]{26}\n/);
    expect(out).toMatch(/\nop_[0-9a-z]{26} +provision +succeeded +1 +\S+\n/);
    expect(out).toMatch(/ INFO {2}\[network\] /);
    expect(out).toContain(
      '\nPlan (create): 16 to create, 0 to replace, 0 to delete; cost delta +$203.34/month\n',
    );
    // -o json --watch: the run's stream events, one per line (through jq -c), the end last.
    expect(out).toMatch(
      /\n\{"id":"[^"]+\.z","type":"end","data":\{"status":"succeeded",[^\n]*"error":null[^\n]*\}\}\n/,
    );
    expect(out).toContain(
      '\nPlan (delete): 0 to create, 0 to replace, 16 to delete; cost delta -$203.34/month\n',
    );
    expect(out).toMatch(
      /\npreview-3 \(env_[0-9a-z]{26}\): operation op_[0-9a-z]{26}\n[\s\S]*✔ network: destroyed/,
    );
    expect(out).toMatch(
      /\npreview \(env_[0-9a-z]{26}\): operation op_[0-9a-z]{26}\n[\s\S]*\noperation op_[0-9a-z]{26}: succeeded\n$/,
    );
  });

  it('works verbatim against npm start', async () => {
    // Arrange
    const script = walkthroughScript().replaceAll('http://localhost:3000/v1', local.api.baseUrl);
    expect(script).toContain('curl');
    // Act
    const run = await runBash(script, 120_000);
    // Assert
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('"status":"provisioning"');
    expect(out).toMatch(
      /"status":"running","progress":\{"layer":5,"layers":5,"stacks_done":16,"stacks":16\}/,
    );
    expect(out).toMatch(/"base_url": "https:\/\/preview-pr-123-/);
    expect(out).toContain('"name":"database-rds","layer":3,"status":"provisioned"');
    expect(out).toMatch(/"vpc_id": "vpc-[0-9a-f]{17}"/);
    expect(out).toContain('"status": "destroying"');
    expect(out).toContain('["destroyed"]');
    expect(out).toContain('"error_code": "FORBIDDEN"');
    expect(out).toContain('"field": "body.parameters.instance_type"');
    expect(out).toContain('"error_code": "UNAUTHORIZED"');
    // Failures, retry, update, stop/start, cancel, planning.
    expect(out).toMatch(/env_\w+ is failed/);
    expect(out).toContain('{"kind":"provision","status":"failed","outcome":"rolled_back","stacks":[');
    expect(out).toContain('"database-rds: failed"');
    expect(out).toMatch(
      /\{"stack":"database-rds","message":"Stack database-rds failed: Simulated failure creating/,
    );
    expect(out).toContain('{"status":"failed","operation":null}');
    expect(out).toMatch(/"kind":"provision","attempt":2,"retry_of":"op_\w+"/);
    expect(out).toContain('{"status":"updating","operation":{"kind":"update","targets":["database-rds"]}}');
    expect(out).toContain('{"status":"stopping"}');
    expect(out).toMatch(/env_\w+ is stopped/);
    expect(out).toContain('{"status":"running","cancel_requested":true}');
    expect(out).toMatch(
      /\{"status":"cancelled","outcome":"rolled_back","error":"Cancelled by request; rolled back/,
    );
    expect(out).toContain(
      '["Not started: the provision was cancelled before it reached this stack, and what it created was rolled back; a retry starts it"]',
    );
    expect(out).toContain('{"valid":false');
    expect(out).toContain('{"valid":true,"layers":[["network"],["db"]]}');
    expect(out).toContain('{"name":"quota:vpcs","status":"pass"}');
    // TTL: expired and torn down by the sweeper.
    expect(out).toMatch(/env_\w+ is destroyed/);
    expect(out).toContain(
      '{"kind":"destroy","status":"succeeded","reason":"ttl_expired","requested_by":"system:ttl-sweeper"}',
    );
    // Approvals: the destroy of a protected environment waits; the requester may not approve it;
    // a rejection leaves it running; an approved destroy runs.
    expect(out).toContain(
      '{"status":"awaiting_approval","reason":"destroy of a protected environment","plan":"destroy: delete 8 stacks in 3 layers"}',
    );
    expect(out).toContain(
      '{"error_code":"FORBIDDEN","detail":"You requested this operation: someone else must approve or reject it"}',
    );
    expect(out).toContain('["production"]');
    expect(out).toContain(
      '{"status":"running","operation":"rejected","error":"Rejected by Local Admin: release freeze"}',
    );
    expect(out).toContain('{"status":"destroying","approval":"approved"}');
    expect(out).toContain('{"operations":["destroy","update","delete_stacks","stop"],"approvers":[]}');
    // Webhooks: a signed ping reaches the loopback receiver; a private target is refused.
    expect(out).toContain('{"events":["environment.","deployment.failed"],"enabled":true,"secret":true}');
    expect(out).toContain('[false]');
    expect(out).toContain('{"event_type":"webhook.ping","status":"succeeded","response_code":200}');
    expect(out).toContain('["succeeded"]');
    expect(out).toMatch(/\{"error_code":"VALIDATION_ERROR","field":"body\.url"\}/);
    expect(out).toContain('delete: 204');
    // Pull-request previews: configured, a signed opened delivery, the preview running its SHA, closed.
    expect(out).toContain('{"enabled":true,"secret_set":false}');
    expect(out).toContain('{"action":"created","pull_request":42}');
    expect(out).toContain(
      '{"name":"pr-42","status":"running","version":"0123456789abcdef0123456789abcdef01234567","branch":"feature-x","url":"https://github.com/acme/shop/pull/42"}',
    );
    expect(out).toMatch(/\{"action":"(destroying|recorded)"\}\n/);
    expect(out).toContain('bad signature: 401');
    // Deployments: a rolling success, then a failed health check rolled back to v1.0.0.
    expect(out).toContain(
      '{"version":"v1.0.0","status":"succeeded","batches":["25%: healthy","50%: healthy","100%: healthy"],"error":null}',
    );
    expect(out).toMatch(
      /\{"version":"v1\.1\.0","status":"rolled_back","batches":\["25%: healthy","50%: unhealthy","100%: pending"\],"error":"Health check failed on batch 2 \(50%\): \d of 4 instances unhealthy"\}/,
    );
    expect(out).toContain('{"error_code":"PRECONDITION_FAILED"}');
    expect(out).toContain('{"status":"running","current_version":"v1.0.0"}');
    expect(out).toContain('Rolling back to v1.0.0 on all instances');
    expect(out).toContain(
      '[{"version":"v1.1.0","status":"rolled_back"},{"version":"v1.0.0","status":"succeeded"}]',
    );
    expect(out).toMatch(
      /\{"error_code":"ILLEGAL_STATE","detail":"Environment env_\w+ is destroyed: deployments need a running environment"\}/,
    );
    // Events and metrics.
    expect(out).toContain(
      '["deployment.rolled_back","deployment.started","deployment.succeeded","deployment.started","environment.running","operation.finished","operation.started","environment.provisioning"]',
    );
    expect(out).toContain(
      '{"detail_type":"Deployment Rolled Back","version":"v1.1.0","current_version":"v1.0.0"}',
    );
    expect(out).toMatch(
      /\{"operations":\{"started":\d+,"succeeded":\d+,"failed":[1-9]\d*,"cancelled":[1-9]\d*\},"deployments":\{"started":2,"succeeded":1,"failed":0,"rolled_back":1\},"running":\d+\}/,
    );
    // Plans, manifest, single stacks, drift, export.
    expect(out).toContain(
      '{"action":"create","layers":[["network","secrets"],["dns","monitoring","security"],["compute-lambda","database-rds","storage"]]',
    );
    expect(out).toContain('"quota":[{"name":"quota:vpcs","ok":true}]}');
    expect(out).toMatch(
      /\{"action":"update","stacks":\[\{"name":"database-rds","reason":"inputs changed: db_instance_class"\}\],"cost_delta_usd":-[\d.]+\}/,
    );
    expect(out).toContain('{"status":"updating","kind":"update","targets":["database-rds"]}');
    expect(out).toContain(
      '{"error_code":"STACK_HAS_DEPENDANTS","dependants":["compute-lambda","database-rds","storage"]}',
    );
    expect(out).toContain(
      '{"status":"updating","targets":["security","compute-lambda","database-rds","storage"]}',
    );
    expect(out).toContain('{"operation":null,"drift_check":{"interval_hours":24,"remediate":true}}');
    expect(out).toMatch(/\{"changes_detected":true,"drifted":\["[a-z-]+"/);
    expect(out).toContain(
      '{"schema_version":1,"stack":"network","status":"provisioned","resources":13,"inputs":{"vpc_cidr":"10.0.0.0/16"}}',
    );
    expect(out).toContain(
      '"order":[["compute-lambda","database-rds","storage"],["dns","monitoring","security"],["network","secrets"]]',
    );
    // Idempotent requests: a replayed deployment, one deployment, another body refused.
    expect(out).toMatch(/HTTP\/1\.1 202 Accepted\nHTTP\/1\.1 202 Accepted\nidempotent-replayed: true\n/);
    expect(out).toContain('["v3.0.0"]');
    expect(out).toContain('{"error_code":"IDEMPOTENCY_KEY_REUSED"}');
    // Service accounts: created once with its secret, confined, rotated, deleted.
    expect(out).toContain('{"role":"deployer","username":true,"secret":true}');
    expect(out).toContain('[{"name":"github-actions","role":"deployer","has_secret":false}]');
    expect(out).toMatch(/env_\w+ is running\n\{"status":"destroying","requested_by":true\}\n/);
    expect(out).toContain('{"error_code":"FORBIDDEN","detail":"A service account cannot create projects"}');
    expect(out).toContain('login: 401\nlogin: 200\ndelete: 204\nlogin after delete: 401\n');
  });
});
