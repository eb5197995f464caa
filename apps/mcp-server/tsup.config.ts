import { defineConfig } from 'tsup';

// The workspace packages are bundled into the server, so the packed package
// installs from the registry alone (`npx athena-mcp`); their third-party
// dependencies (native better-sqlite3, pg, the MCP SDK, …) stay external and
// are listed in package.json.
export default defineConfig({
  entry: ['src/main.ts', 'src/analysis-worker.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  noExternal: [/^@athena\//],
  banner: { js: '#!/usr/bin/env node' },
});
