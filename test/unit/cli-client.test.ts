/** The committed client files (cli/api/schema.ts, enums.ts) are what `npm run generate:client` makes now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientSources } from '../../bin/client-source.ts';

describe('the generated CLI client', () => {
  it('matches the OpenAPI document of the route table (run npm run generate:client when this fails)', async () => {
    // Arrange
    const committed = (name: string) =>
      readFileSync(new URL(`../../cli/api/${name}.ts`, import.meta.url), 'utf8');
    // Act
    const fresh = await clientSources();
    // Assert
    expect(
      committed('schema') === fresh.schema,
      'cli/api/schema.ts is stale: run npm run generate:client',
    ).toBe(true);
    expect(committed('enums') === fresh.enums, 'cli/api/enums.ts is stale: run npm run generate:client').toBe(
      true,
    );
  });
});
