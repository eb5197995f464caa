import { describe } from 'vitest';
import { pgliteBackend } from './backends.js';
import { mcpSuite } from './mcp-suite.js';

describe('athena-mcp over stdio on PGlite', () => {
  mcpSuite((root) => pgliteBackend(root));
});
