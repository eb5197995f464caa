import cliProgress from 'cli-progress';
import type { TransferProgress } from '@athena/transfer';

/** Receives a long operation's progress; `stop()` once it is over. */
export interface ProgressReporter {
  readonly onProgress: (progress: TransferProgress) => void;
  stop(): void;
}

const QUIET: ProgressReporter = { onProgress: () => undefined, stop: () => undefined };

/**
 * Progress bars on stderr, one per phase and table, drawn only when stderr
 * is a terminal and the output is not `--json`; otherwise nothing at all.
 *
 * @example
 * ```ts
 * const progress = progressBars(process.stderr.isTTY === true && !json);
 * await copy(from, to, { onProgress: progress.onProgress });
 * progress.stop();
 * ```
 */
export function progressBars(enabled: boolean): ProgressReporter {
  if (!enabled) return QUIET;
  const bars = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{label} [{bar}] {value}/{total}',
      hideCursor: true,
      clearOnComplete: false,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const open = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress: ({ phase, table, done, total }) => {
      const label = `${phase.padEnd(6)} ${table.padEnd(16)}`;
      let bar = open.get(label);
      if (bar === undefined) {
        bar = bars.create(Math.max(total, done), 0, { label });
        open.set(label, bar);
      }
      bar.setTotal(Math.max(total, done));
      bar.update(done, { label });
    },
    stop: () => bars.stop(),
  };
}
