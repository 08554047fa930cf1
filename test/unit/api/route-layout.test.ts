/**
 * The layout a newcomer relies on (docs/architecture.md): from a route in the table, one
 * hop reaches its behaviour. Route `fooBar` of group `g` is declared in `routes/g.ts`,
 * served by the function `entries/g.ts`, and handled by `handlers/foo-bar.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_GROUPS } from '../../../functions/api/route-types.ts';
import { routeList } from '../../../functions/api/routes.ts';

const apiDir = join(import.meta.dirname, '../../../functions/api');
const kebab = (operationId: string) => operationId.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const handlerFiles = readdirSync(join(apiDir, 'handlers'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

describe('the API layout', () => {
  it('has one handler file per route, named after its operationId, and no other', () => {
    // Arrange
    const expected = routeList.map((r) => kebab(r.operationId)).sort();

    // Act + Assert
    expect(handlerFiles).toEqual(expected);
  });

  it("declares each route in its group's route file and serves it from that group's entry, with its own handler", () => {
    for (const route of routeList) {
      // Arrange
      const routeFile = readFileSync(join(apiDir, 'routes', `${route.group}.ts`), 'utf8');
      const entry = readFileSync(join(apiDir, 'entries', `${route.group}.ts`), 'utf8');

      // Assert
      expect(API_GROUPS).toContain(route.group);
      expect(routeFile).toContain(`operationId: '${route.operationId}'`);
      expect(entry).toContain(
        `import { handler as ${route.operationId} } from '../handlers/${kebab(route.operationId)}.ts';`,
      );
    }
  });
});
