import { describe } from 'vitest';
import { pgliteDatabases } from '@athena/test-postgres';
import { mcpSuite } from './mcp-suite.js';

describe('athena-mcp over stdio on PGlite', () => {
  mcpSuite((root) => pgliteDatabases(root));
});
