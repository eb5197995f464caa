import { describe } from 'vitest';
import { cliSuite, sqliteBackend } from './cli-suite.js';

describe('athena on SQLite', () => {
  cliSuite((root) => sqliteBackend(root));
});
