import cliProgress from 'cli-progress';

/** Where an indexing run is. */
export interface IndexProgress {
  /**
   * `scan`: reading files; `analyze`: parsing and resolving; `embed`: a
   * first index embedding the files the analyses finished, once they are all
   * done; `write`: embedding (a re-index) and storing; `done`.
   */
  readonly phase: 'scan' | 'analyze' | 'embed' | 'write' | 'done';
  /** Files finished in this phase. */
  readonly filesDone: number;
  /** Files this phase has to do (the changed ones, after the scan). */
  readonly filesTotal: number;
  /** Entities found so far. */
  readonly entities: number;
  readonly elapsedMs: number;
  /** Files finished in this phase per second of the run. */
  readonly filesPerSecond: number;
}

/** Receives every progress update of a run. */
export type ProgressListener = (progress: IndexProgress) => void;

/**
 * A progress bar on `stream` (files, entities, files/s), or `null` when the
 * stream is not a terminal, so that logs and CI output stay quiet.
 *
 * @example
 * ```ts
 * await graph.index(project.id, '/src/app', { progress: terminalProgress() ?? false });
 * ```
 */
export function terminalProgress(
  stream: NodeJS.WriteStream = process.stderr,
): ProgressListener | null {
  if (!stream.isTTY) return null;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{phase} [{bar}] {value}/{total} files | {entities} entities | {rate} files/s',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: IndexProgress['phase'] | null = null;
  return (progress) => {
    const payload = {
      phase: progress.phase.padEnd(7),
      entities: progress.entities,
      rate: progress.filesPerSecond.toFixed(1),
    };
    if (progress.phase === 'done') {
      if (phase !== null) bar.stop();
      phase = 'done';
      return;
    }
    if (progress.phase !== phase) {
      if (phase !== null) bar.stop();
      bar.start(Math.max(progress.filesTotal, 1), progress.filesDone, payload);
      phase = progress.phase;
      return;
    }
    bar.update(progress.filesDone, payload);
  };
}
