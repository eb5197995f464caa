import { describe } from 'vitest';
import { sqliteBackend } from './backends.js';
import { mcpSuite } from './mcp-suite.js';

describe('athena-mcp over stdio on SQLite', () => {
  mcpSuite((root) => sqliteBackend(root));
});
