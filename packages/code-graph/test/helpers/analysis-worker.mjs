// The analysis worker from its TypeScript source (see analysis-worker-url.ts).
import { tsImport } from 'tsx/esm/api';

await tsImport('../../src/analysis-worker.ts', import.meta.url);
