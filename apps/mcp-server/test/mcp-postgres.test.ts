import { describePostgres, postgresDatabases } from '@athena/test-postgres';
import { mcpSuite } from './mcp-suite.js';

describePostgres('athena-mcp over stdio on PostgreSQL', () => {
  mcpSuite(() => postgresDatabases('athena_mcp'));
});
