import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './code-blocks.js';

const require = createRequire(import.meta.url);

/** A block written out as a program: what to run and what to type-check. */
export interface WrittenProgram {
  readonly block: CodeBlock;
  /** The file node runs (`.mjs` or `.cjs`; TypeScript is transpiled to `.mjs`). */
  readonly runnable: string;
  /** The TypeScript source, for the type check; undefined for JavaScript blocks. */
  readonly typescript: string | undefined;
}

/** `file:line` of a block, as a reader finds it. */
export function location(block: Pick<CodeBlock, 'file' | 'line'>): string {
  return `${block.file}:${block.line}`;
}

function baseName(block: CodeBlock): string {
  return `${block.file.replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}`;
}

/**
 * Writes `block` into `dir` (which must lie where Node resolves the `@athena/*`
 * packages): JavaScript as it is, TypeScript both as `.ts` for the type check
 * and transpiled to `.mjs` for node.
 */
export function writeProgram(dir: string, block: CodeBlock): WrittenProgram {
  const name = baseName(block);
  if (block.language === 'ts' || block.language === 'typescript') {
    const typescript = join(dir, `${name}.ts`);
    // `export {}` makes every block a module, as a consumer's file with imports is.
    writeFileSync(typescript, `${block.code}\nexport {};\n`);
    const runnable = join(dir, `${name}.mjs`);
    const output = ts.transpileModule(block.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: typescript,
    });
    writeFileSync(runnable, output.outputText);
    return { block, runnable, typescript };
  }
  const runnable = join(dir, `${name}.${block.language === 'cjs' ? 'cjs' : 'mjs'}`);
  writeFileSync(runnable, block.code);
  return { block, runnable, typescript: undefined };
}

/**
 * Writes `block` into `dir` as the CommonJS program a `require()` user would
 * write: its imports become `require` calls, its exports `exports.*`, and the rest — which may `await`
 * at the top level, as an ES module can — runs in an async function, whose
 * failure sets exit code 1 as an uncaught error would. The split is made on
 * the parsed statements, not on text.
 */
export function writeCommonJsProgram(dir: string, block: CodeBlock): string {
  const source = ts.createSourceFile('block.ts', block.code, ts.ScriptTarget.ES2022, true);
  // Imports and exports stay at the top level, where CommonJS can have them.
  const topLevel = (statement: ts.Statement) =>
    ts.isImportDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isExportAssignment(statement) ||
    (ts.canHaveModifiers(statement) &&
      (ts.getModifiers(statement) ?? []).some(
        (modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword,
      ));
  const imports = source.statements.filter(topLevel);
  const body = source.statements.filter((statement) => !topLevel(statement));
  const text = (nodes: readonly ts.Statement[]) =>
    nodes.map((node) => node.getFullText(source)).join('');
  const wrapped = [
    text(imports),
    '',
    'void (async () => {',
    text(body),
    '})().catch((error) => {',
    '  console.error(error);',
    '  process.exitCode = 1;',
    '});',
    '',
  ].join('\n');
  const output = ts.transpileModule(wrapped, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: `${baseName(block)}.ts`,
  });
  const runnable = join(dir, `${baseName(block)}.cjs`);
  writeFileSync(runnable, output.outputText);
  return runnable;
}

/** What a finished process said. */
export interface ProcessResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` with `args` in `cwd`, never rejecting: a failure is in the result. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        const killed = error?.killed === true ? `\n(killed after ${options.timeoutMs} ms)` : '';
        resolve({ exitCode, stdout, stderr: `${stderr}${killed}` });
      },
    );
  });
}

/**
 * The environment a program runs in: this process's, without any Athena or
 * PostgreSQL selection of its own, plus `settings`.
 */
export function programEnvironment(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ATHENA_') && key !== 'DATABASE_URL') env[key] = value;
  }
  return { ...env, ...settings };
}

/** The strict compiler options every TypeScript block is checked with. */
export const STRICT_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
} as const;

/** One diagnostic of the type check, placed in the Markdown file. */
export interface TypeDiagnostic {
  readonly location: string;
  readonly message: string;
}

/**
 * Type-checks every TypeScript program of `programs` (written in `dir`) with
 * one `tsc` run, and returns each error at its line of the Markdown file.
 */
export async function typecheckPrograms(
  dir: string,
  programs: readonly WrittenProgram[],
): Promise<{ errors: TypeDiagnostic[]; output: string }> {
  const files = programs.flatMap((program) =>
    program.typescript === undefined ? [] : [program.typescript],
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: STRICT_OPTIONS, files }, null, 2),
  );
  const tsc = require.resolve('typescript/bin/tsc');
  const result = await runProcess(
    process.execPath,
    [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'],
    { cwd: dir, timeoutMs: 120_000 },
  );
  const output = `${result.stdout}${result.stderr}`;
  const errors: TypeDiagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (match === null) continue;
    const [, file = '', row = '0', column = '0', message = ''] = match;
    const program = programs.find((candidate) => candidate.typescript?.endsWith(file) === true);
    errors.push({
      location:
        program === undefined
          ? `${file}:${row}:${column}`
          : `${program.block.file}:${program.block.line + Number(row)}:${column}`,
      message,
    });
  }
  if (result.exitCode !== 0 && errors.length === 0) {
    errors.push({ location: dir, message: output.trim() || `tsc exited with ${result.exitCode}` });
  }
  return { errors, output };
}
