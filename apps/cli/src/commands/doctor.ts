import type { Command } from 'commander';
import { diagnose, lineLogger } from '@athena/factory';
import type { Diagnosis } from '@athena/factory';
import { EXIT } from '../exit-codes.js';
import { action } from '../run.js';

function human(diagnosis: Diagnosis): string {
  const width = Math.max(...diagnosis.checks.map((check) => check.name.length));
  return diagnosis.checks
    .map((check) => {
      const line = `${check.status === 'ok' ? 'OK  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`;
      return check.fix === undefined
        ? line
        : `${line}\n      ${''.padEnd(width)}  fix: ${check.fix}`;
    })
    .join('\n');
}

/** `athena doctor`: checks the setup end to end; exit 1 when a check fails. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check the setup: backend and why, connection, schema version, versions of the engine and ' +
        'extensions, pool, indexes, embedder — each line OK or FAIL with the fix (applies nothing)',
    )
    .action(
      action(async (ctx) => {
        const diagnosis = await diagnose({
          embedder: () => ctx.embedder(),
          logger: lineLogger((line) => process.stderr.write(`${line}\n`)),
        });
        ctx.print({ result: diagnosis, human });
        return diagnosis.ok ? EXIT.ok : EXIT.failure;
      }),
    );
}
