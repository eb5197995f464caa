import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Code, Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

/** The fence languages of a program: every such block is run. */
export const PROGRAM_LANGUAGES = ['ts', 'typescript', 'js', 'mjs', 'cjs'] as const;

/** A fence language a program block may carry. */
export type ProgramLanguage = (typeof PROGRAM_LANGUAGES)[number];

/** The comment, on the line before a block, that runs it against PostgreSQL. */
export const POSTGRES_MARKER = '<!-- example: postgres -->';

/** One program block of the documentation. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly language: ProgramLanguage;
  /** The program, without its fences. */
  readonly code: string;
  /** The database it runs against: PostgreSQL when the marker precedes it. */
  readonly backend: 'sqlite' | 'postgres';
}

/** A fence that looks like a program but would not be run, with why. */
export interface EscapedBlock {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** Every program block of one Markdown file, and the blocks that escape the run. */
export interface ExtractedBlocks {
  readonly blocks: CodeBlock[];
  readonly escaped: EscapedBlock[];
}

/** Fence languages that name TypeScript or JavaScript without being one of `PROGRAM_LANGUAGES`. */
const SCRIPT_LIKE = /^(?:[cm]?[jt]sx?|javascript|typescript|ecmascript|node|esm|commonjs)$/i;

/** An untagged block that imports an Athena package is a program without its language. */
const IMPORTS_ATHENA = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]@athena\//;

function isProgramLanguage(language: string): language is ProgramLanguage {
  return (PROGRAM_LANGUAGES as readonly string[]).includes(language);
}

/**
 * The program blocks of `markdown` (named `file` in the results), found with
 * a CommonMark parser so that fences inside lists and block quotes count and
 * fences inside other fences do not.
 */
export function extractCodeBlocks(file: string, markdown: string): ExtractedBlocks {
  const blocks: CodeBlock[] = [];
  const escaped: EscapedBlock[] = [];
  const visit = (node: Nodes, previous: Nodes | undefined) => {
    if (node.type === 'code') {
      visitCode(node, previous);
      return;
    }
    if ('children' in node) {
      node.children.forEach((child, index) => visit(child, node.children[index - 1]));
    }
  };
  const visitCode = (node: Code, previous: Nodes | undefined) => {
    const line = node.position?.start.line ?? 0;
    const language = node.lang ?? '';
    const marked = previous?.type === 'html' && previous.value.trim() === POSTGRES_MARKER;
    if (isProgramLanguage(language)) {
      blocks.push({
        file,
        line,
        language,
        code: node.value,
        backend: marked ? 'postgres' : 'sqlite',
      });
      return;
    }
    if (SCRIPT_LIKE.test(language)) {
      escaped.push({
        file,
        line,
        reason: `fence language "${language}" is not one of ${PROGRAM_LANGUAGES.join(', ')}`,
      });
    } else if (language === '' && IMPORTS_ATHENA.test(node.value)) {
      escaped.push({ file, line, reason: 'a fence without a language imports an @athena package' });
    }
    if (marked) {
      escaped.push({ file, line, reason: `${POSTGRES_MARKER} before a "${language}" block` });
    }
  };
  visit(fromMarkdown(markdown), undefined);
  return { blocks, escaped };
}

/** The repository root: the nearest directory above this file with `pnpm-workspace.yaml`. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no pnpm-workspace.yaml above this package');
    dir = parent;
  }
  return dir;
}

function markdownIn(root: string, dir: string, recursive: boolean): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && recursive) return markdownIn(root, path, true);
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

/**
 * The documentation whose blocks are programs, relative to `root`, sorted:
 * README.md, packages/*\/README.md, apps/*\/README.md and docs/**\/*.md.
 */
export function documentationFiles(root: string): string[] {
  const readmes = ['packages', 'apps'].flatMap((parent) =>
    readdirSync(join(root, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(parent, entry.name, 'README.md'))
      .filter((path) => existsSync(join(root, path))),
  );
  const files = ['README.md', ...readmes, ...markdownIn(root, 'docs', true)];
  return files.map((path) => relative(root, join(root, path))).sort();
}

/** Every program block, and every escaped block, of the repository's documentation. */
export function repositoryCodeBlocks(root = repositoryRoot()): ExtractedBlocks {
  const all = documentationFiles(root).map((file) =>
    extractCodeBlocks(file, readFileSync(join(root, file), 'utf8')),
  );
  return {
    blocks: all.flatMap((extracted) => extracted.blocks),
    escaped: all.flatMap((extracted) => extracted.escaped),
  };
}
