import { describe, expect, it } from 'vitest';
import { cacheControlOf, contentTypeOf, resolveAsset } from '../../../functions/api/http/static-assets.ts';

describe('the console’s path rules', () => {
  it.each([
    [undefined, { kind: 'page' }],
    ['', { kind: 'page' }],
    ['environments/env_1', { kind: 'page' }],
    ['assets/index-AbC123.js', { kind: 'file', path: 'assets/index-AbC123.js' }],
    ['swagger-ui//swagger-ui.css', { kind: 'file', path: 'swagger-ui/swagger-ui.css' }],
    ['../package.json', { kind: 'invalid' }],
    ['assets/../../x.js', { kind: 'invalid' }],
    ['.env', { kind: 'invalid' }],
    ['a\\b.js', { kind: 'invalid' }],
  ])('resolves %j to %j', (proxy, expected) => {
    // Act + Assert
    expect(resolveAsset(proxy)).toEqual(expected);
  });

  it('gives the build’s files their content type and nothing to other files', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('assets/a-1.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('assets/a-1.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('photo.png')).toBeUndefined();
    expect(contentTypeOf('index.js.map')).toBeUndefined();
  });

  it('keeps hashed assets for a year and revalidates everything else', () => {
    expect(cacheControlOf('assets/index-AbC123.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlOf('index.html')).toBe('no-cache');
    expect(cacheControlOf('swagger-ui/swagger-ui-bundle.js')).toBe('no-cache');
  });
});
