import { describe } from 'vitest';
import { sqliteDatabases } from '@athena/test-postgres';
import { mcpSuite } from './mcp-suite.js';

describe('athena-mcp over stdio on SQLite', () => {
  mcpSuite((root) => sqliteDatabases(root));
});
