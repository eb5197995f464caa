import { ATHENA_VARIABLES } from '@athena/core-types';
import type { VariableDefinition, VariableGroup } from '@athena/core-types';
import { escapeCell, renderMarkdownTable } from './markdown-table.js';

const VARIABLES = Object.values(ATHENA_VARIABLES) as readonly VariableDefinition[];
const GROUPS: readonly VariableGroup[] = [
  'store',
  'embedder',
  'summarizer',
  'mcp',
  'cli',
  'code',
  'tooling',
];

/**
 * A generated table sits between `<!-- ATHENA_VARIABLES tokens… -->` and
 * `<!-- /ATHENA_VARIABLES -->`; each token is a group (`store`, `embedder`, `summarizer`,
 * `mcp`, `cli`, `code`, `tooling`) or a variable name, listed in that order.
 */
const BLOCK = /^<!-- ATHENA_VARIABLES ([^>]*?) -->\n[\s\S]*?^<!-- \/ATHENA_VARIABLES -->$/gm;
/** Markers stand on lines of their own, so prose may quote them. */
const START = /^<!-- ATHENA_VARIABLES\b/gm;

/** The variables a marker's tokens name, in order, each once. */
export function variablesFor(tokens: readonly string[]): VariableDefinition[] {
  if (tokens.length === 0) throw new Error('an ATHENA_VARIABLES marker names no group or variable');
  const chosen = tokens.flatMap((token) => {
    if ((GROUPS as readonly string[]).includes(token)) {
      return VARIABLES.filter((variable) => variable.group === token);
    }
    const variable = VARIABLES.find((v) => v.name === token);
    if (variable === undefined) {
      throw new Error(
        `unknown token ${token} in an ATHENA_VARIABLES marker: not a group or variable`,
      );
    }
    return [variable];
  });
  return [...new Set(chosen)];
}

/**
 * The Markdown table of the variables `tokens` name, laid out as Prettier
 * lays out tables (cells padded to the column width), so `prettier --check`
 * and the generator agree. The aliases column appears when a row has one;
 * an integer's meaning ends with its range.
 *
 * @example
 * ```ts
 * renderVariableTable(['embedder', 'ATHENA_EMBEDDING_DIM']);
 * ```
 */
export function renderVariableTable(tokens: readonly string[]): string {
  const variables = variablesFor(tokens);
  const withAliases = variables.some((variable) => variable.aliases.length > 0);
  const header = withAliases
    ? ['variable', 'aliases', 'meaning', 'default']
    : ['variable', 'meaning', 'default'];
  const rows = variables.map((variable) =>
    [
      `\`${variable.name}\``,
      ...(withAliases ? [variable.aliases.map((alias) => `\`${alias}\``).join(', ')] : []),
      meaning(variable),
      variable.defaultText,
    ].map(escapeCell),
  );
  return renderMarkdownTable(header, rows);
}

/**
 * `markdown` with every generated table replaced by a fresh one; text outside
 * the markers is untouched. Throws on a start marker without its end.
 *
 * @example
 * ```ts
 * writeFileSync(path, syncVariableTables(readFileSync(path, 'utf8')));
 * ```
 */
export function syncVariableTables(markdown: string): string {
  const blocks = [...markdown.matchAll(BLOCK)].length;
  const starts = [...markdown.matchAll(START)].length;
  if (blocks !== starts) {
    throw new Error(
      'an <!-- ATHENA_VARIABLES … --> marker has no <!-- /ATHENA_VARIABLES --> after it',
    );
  }
  return markdown.replace(BLOCK, (_block, tokens: string) => {
    const table = renderVariableTable(tokens.trim().split(/\s+/));
    return `<!-- ATHENA_VARIABLES ${tokens} -->\n\n${table}\n\n<!-- /ATHENA_VARIABLES -->`;
  });
}

/** The variables listed by the generated tables of `markdown`. */
export function documentedVariables(markdown: string): string[] {
  return [...markdown.matchAll(BLOCK)].flatMap(([, tokens]) =>
    variablesFor((tokens ?? '').trim().split(/\s+/)).map((variable) => variable.name),
  );
}

/** The description, with an integer's range from the registry, so the two cannot drift. */
export function meaning(variable: VariableDefinition): string {
  const { range } = variable;
  return range === undefined
    ? variable.description
    : `${variable.description}; ${range.min}–${range.max}`;
}
