/**
 * The entry of an analysis worker (see `analysis-thread.ts`): runs one
 * built-in language's analysis per task it is sent, posting each file as it
 * is finished, then the problems and the checker's time. It stays for the
 * next task (its compiled code warm) until its owner lets it go. An
 * exception ends the worker with an `error` event, which its owner turns
 * into the task's rejection.
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerMessage, WorkerTask } from './analysis-thread.js';
import type { AnalyzeInput, AnalyzeResult } from './language-indexer.js';

if (parentPort === null) throw new Error('analysis-worker.js runs on a worker thread only');
const port = parentPort;

async function analyze(task: WorkerTask): Promise<AnalyzeResult> {
  const input: AnalyzeInput = {
    root: task.root,
    files: task.files,
    changed: new Set(task.changed),
    configFiles: task.configFiles,
    onFile: (index) => port.postMessage({ kind: 'file', index } satisfies WorkerMessage),
  };
  if (task.language === 'typescript') {
    const { analyzeTypeScript } = await import('./typescript-analysis.js');
    return analyzeTypeScript(input);
  }
  const { analyzePython } = await import('./python-analysis.js');
  return analyzePython(input);
}

port.on('message', (task: WorkerTask) => {
  analyze(task).then(
    (result) =>
      port.postMessage({
        kind: 'done',
        problems: result.problems,
        checkerMs: result.checkerMs,
      } satisfies WorkerMessage),
    (error: unknown) => {
      // Uncaught: the worker ends, and its owner rejects the task with the error.
      process.nextTick(() => {
        throw error;
      });
    },
  );
});
