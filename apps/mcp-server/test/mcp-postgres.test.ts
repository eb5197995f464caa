import { describePostgres } from '@athena/test-postgres';
import { postgresBackend } from './backends.js';
import { mcpSuite } from './mcp-suite.js';

describePostgres('athena-mcp over stdio on PostgreSQL', () => {
  mcpSuite(() => postgresBackend());
});
