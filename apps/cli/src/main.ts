/**
 * The `athena` command. Thin: parse, call a package, format — everything it
 * does lives in @athena/factory, @athena/search and @athena/transfer.
 */
import { EXIT } from './exit-codes.js';
import { isBrokenPipe, run } from './run.js';

// The reader of the output went away (`athena export - | head`): stop
// quietly, as a Unix tool stopped by SIGPIPE does, instead of a stack trace.
process.stdout.on('error', (error) => {
  if (!isBrokenPipe(error)) throw error;
  process.exit(EXIT.ok);
});

process.exitCode = await run(process.argv);
