/**
 * `npm run lint:openapi`: writes the OpenAPI document (as GET /openapi.json serves it) to a
 * temporary file and lints it with Spectral's `spectral:oas` ruleset (`.spectral.yaml`).
 * Fails on any warning: the document is what typed clients are generated from.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../functions/api/http/openapi.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
const file = join(dir, 'openapi.json');
try {
  writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
  const spectral = spawnSync(
    join(root, 'node_modules', '.bin', 'spectral'),
    ['lint', file, '--ruleset', join(root, '.spectral.yaml'), '--fail-severity', 'warn'],
    { stdio: 'inherit' },
  );
  process.exitCode = spectral.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
