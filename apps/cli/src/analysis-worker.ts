// The code graph's analysis worker, emitted as dist/analysis-worker.js next to the
// bundle that starts it (the bundle inlines @athena/code-graph, which looks for its
// worker beside itself).
import '@athena/code-graph/analysis-worker';
