/**
 * The `athena` command. Thin: parse, call a package, format — everything it
 * does lives in @athena/factory, @athena/search and @athena/transfer.
 */
import { run } from './run.js';

process.exitCode = await run(process.argv);
