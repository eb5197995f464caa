import { describe } from 'vitest';
import { pgliteDatabases } from '@athena/test-postgres';
import { cliSuite } from './cli-suite.js';

describe('athena on PGlite', () => {
  cliSuite((root) => pgliteDatabases(root));
});
