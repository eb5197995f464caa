import { Command, CommanderError } from 'commander';
import { isAthenaError } from '@athena/core-types';
import { CliContext } from './cli-context.js';
import type { GlobalOptions } from './cli-context.js';
import { registerCodeCommands } from './commands/code.js';
import { registerConsolidateCommand } from './commands/consolidate.js';
import { registerDecisionCommands } from './commands/decisions.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerEventCommands } from './commands/events.js';
import { registerGoalCommands } from './commands/goals.js';
import { registerInitCommand } from './commands/init.js';
import { registerMemoryCommands } from './commands/memories.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerStatsCommand } from './commands/stats.js';
import { registerTaskCommands } from './commands/tasks.js';
import { registerTransferCommands } from './commands/transfer.js';
import { EXIT, exitCodeOf } from './exit-codes.js';
import { VERSION } from './version.js';

/** Thrown by an action to end with an exit code but no further message. */
export class ExitCode extends Error {
  readonly code: number;

  constructor(code: number) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** A write to a pipe whose reader has gone (`athena export - | head`). */
export const isBrokenPipe = (error: unknown): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';

/**
 * Wraps an action: builds its context from the global options, runs it,
 * closes what it opened. The action's arguments are commander's (positional
 * values, then the command's own options).
 */
export function action(
  run: (ctx: CliContext, ...args: never[]) => Promise<unknown>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const ctx = new CliContext(command.optsWithGlobals<GlobalOptions>());
    try {
      const code = await run(ctx, ...(args.slice(0, -1) as never[]));
      if (typeof code === 'number' && code !== EXIT.ok) throw new ExitCode(code);
    } finally {
      await ctx.close();
    }
  };
}

/** The whole command tree. */
export function buildProgram(): Command {
  const program = new Command('athena')
    .description(
      'Long-term memory for AI agents: remember, recall and search; events, goals, tasks and decisions; ' +
        'inspect, migrate and move the database. The database comes from ATHENA_* variables ' +
        '(ATHENA_SQLITE_PATH, ATHENA_DATABASE_URL, …); the project from the current directory.',
    )
    .version(VERSION)
    .option('--json', 'print the result as JSON')
    .option('--project <project>', 'project id, name or path (default: the current directory)')
    .option('--debug', 'print stack traces of errors')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`athena: ${text.replace(/^error: /, '')}`),
    });
  registerInitCommand(program);
  registerMemoryCommands(program);
  registerEventCommands(program);
  registerGoalCommands(program);
  registerTaskCommands(program);
  registerDecisionCommands(program);
  registerCodeCommands(program);
  registerConsolidateCommand(program);
  registerStatsCommand(program);
  registerDoctorCommand(program);
  registerMigrateCommand(program);
  registerTransferCommands(program);
  return program;
}

function describe(error: unknown): string {
  if (!isAthenaError(error)) return error instanceof Error ? error.message : String(error);
  const hint = error.details['hint'];
  return typeof hint === 'string' ? `${error.message} (${hint})` : error.message;
}

/**
 * Parses `argv` and runs the command; returns the exit code (see
 * `EXIT`). Errors become one line on stderr (JSON with `--json`), a stack
 * trace only with `--debug`.
 *
 * @example
 * ```ts
 * process.exitCode = await run(process.argv);
 * ```
 */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitCode) return error.code;
    if (isBrokenPipe(error)) return EXIT.ok;
    if (error instanceof CommanderError) {
      // Help and version end with 0; every other commander error is a usage error, already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const options = program.opts<GlobalOptions>();
    const code = exitCodeOf(error);
    if (options.json === true) {
      const body = isAthenaError(error)
        ? { code: error.code, message: describe(error), details: error.details }
        : { code: 'internal', message: describe(error) };
      process.stderr.write(`${JSON.stringify({ error: { ...body, exitCode: code } })}\n`);
    } else {
      process.stderr.write(`athena: ${describe(error)}\n`);
    }
    if (options.debug === true && error instanceof Error) {
      process.stderr.write(`${error.stack ?? ''}\n`);
      if (error.cause instanceof Error)
        process.stderr.write(`caused by: ${error.cause.stack ?? ''}\n`);
    }
    return code;
  }
}
