import { describe } from 'vitest';
import { cliSuite, pgliteBackend } from './cli-suite.js';

describe('athena on PGlite', () => {
  cliSuite((root) => pgliteBackend(root));
});
