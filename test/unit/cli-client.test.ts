/** The committed client types (cli/api/schema.ts) are what `npm run generate:client` makes now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clientSource } from '../../bin/client-source.ts';

describe('the generated CLI client', () => {
  it('matches the OpenAPI document of the route table (run npm run generate:client when this fails)', async () => {
    // Arrange
    const committed = readFileSync(new URL('../../cli/api/schema.ts', import.meta.url), 'utf8');
    // Act
    const fresh = await clientSource();
    // Assert
    expect(committed === fresh, 'cli/api/schema.ts is stale: run npm run generate:client').toBe(true);
  });
});
