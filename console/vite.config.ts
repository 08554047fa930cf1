/**
 * The web console's build (docs/decisions.md §41): `npm run build` writes `console/dist`,
 * which the `console` function serves at `/v1/console/` (its bundle in AWS, the directory
 * itself in local mode). Swagger UI's two files are copied from the installed
 * `swagger-ui-dist` package next to it, so `/v1/docs` needs no CDN.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** Emits swagger-ui-dist's bundle and stylesheet as `swagger-ui/*` of the build. */
function swaggerUi(): Plugin {
  return {
    name: 'swagger-ui-dist',
    generateBundle() {
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        // The source map comment would make browsers ask for a map the build does not ship.
        const source = readFileSync(require.resolve(`swagger-ui-dist/${file}`), 'utf8').replace(
          /\n\/[/*][#@] sourceMappingURL=\S+(\s*\*\/)?\s*$/,
          '\n',
        );
        this.emitFile({ type: 'asset', fileName: `swagger-ui/${file}`, source });
      }
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  // The API's stage is `v1` (lib/rest-api.ts STAGE_NAME), locally and in AWS.
  base: '/v1/console/',
  plugins: [react(), swaggerUi()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The bundle is small; a report per build is noise.
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
