import { describe } from 'vitest';
import { sqliteDatabases } from '@athena/test-postgres';
import { cliSuite } from './cli-suite.js';

describe('athena on SQLite', () => {
  cliSuite((root) => sqliteDatabases(root));
});
