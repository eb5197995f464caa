import { ATHENA_VARIABLES } from '@athena/core-types';
import type { VariableDefinition, VariableGroup } from '@athena/core-types';
import { CREATE_STORE_OPTIONS } from '@athena/factory';
import type { OptionDefinition } from '@athena/factory';
import { escapeCell, renderMarkdownTable } from './markdown-table.js';
import { meaning } from './variable-tables.js';

/** Who reads each group of variables, in the order the table lists them. */
const READERS: Readonly<Record<VariableGroup, string>> = {
  store: '`createStore()`',
  embedder: '`createEmbedderFromEnv()`',
  summarizer: '`createSummarizerFromEnv()`',
  mcp: '`athena-mcp`',
  cli: '`athena`',
  code: '`athena`, `athena-mcp`',
  errors: 'every Athena error',
  tooling: '`pnpm bench`, `pnpm evaluate`',
};

/**
 * The one table sits between `<!-- ATHENA_CONFIGURATION -->` and
 * `<!-- /ATHENA_CONFIGURATION -->`, each on a line of its own.
 */
const BLOCK = /^<!-- ATHENA_CONFIGURATION -->\n[\s\S]*?^<!-- \/ATHENA_CONFIGURATION -->$/gm;
const START = /^<!-- ATHENA_CONFIGURATION -->$/gm;

/** The registries a configuration table is made from (parameters so tests can pass their own). */
export interface ConfigurationSources {
  readonly variables: readonly VariableDefinition[];
  readonly options: readonly OptionDefinition[];
}

const REGISTRIES: ConfigurationSources = {
  variables: Object.values(ATHENA_VARIABLES) as readonly VariableDefinition[],
  options: CREATE_STORE_OPTIONS,
};

/**
 * One table of every `ATHENA_*` variable (from `ATHENA_VARIABLES` of
 * `@athena/core-types`) and every `createStore()` option (from
 * `CREATE_STORE_OPTIONS` of `@athena/factory`): a variable and the option
 * that wins over it share a row; the options without a variable follow the
 * store's variables. Variables come group by group, each in registry order.
 *
 * @example
 * ```ts
 * renderConfigurationTable().split('\n')[0]; // '| variable | createStore option | read by | meaning | default |' (padded)
 * ```
 */
export function renderConfigurationTable(sources: ConfigurationSources = REGISTRIES): string {
  const rows: string[][] = [];
  for (const group of Object.keys(READERS) as VariableGroup[]) {
    for (const variable of sources.variables.filter((v) => v.group === group)) {
      const options = sources.options.filter((option) => option.variable === variable.name);
      rows.push([
        variableCell(variable),
        options.map(optionCell).join('<br>'),
        READERS[group],
        escapeCell(meaning(variable)),
        escapeCell(variable.defaultText),
      ]);
    }
    if (group === 'store') {
      for (const option of sources.options.filter((o) => o.variable === undefined)) {
        rows.push(['', optionCell(option), READERS.store, option.description, option.defaultText]);
      }
    }
  }
  return renderMarkdownTable(
    ['variable', 'createStore option', 'read by', 'meaning', 'default'],
    rows,
  );
}

/**
 * `markdown` with its configuration table replaced by a fresh one; text
 * outside the markers is untouched. Throws on a start marker without its end.
 *
 * @example
 * ```ts
 * writeFileSync(path, syncConfigurationTables(readFileSync(path, 'utf8')));
 * ```
 */
export function syncConfigurationTables(
  markdown: string,
  sources: ConfigurationSources = REGISTRIES,
): string {
  if ([...markdown.matchAll(BLOCK)].length !== [...markdown.matchAll(START)].length) {
    throw new Error(
      'an <!-- ATHENA_CONFIGURATION --> marker has no <!-- /ATHENA_CONFIGURATION --> after it',
    );
  }
  return markdown.replace(
    BLOCK,
    () =>
      `<!-- ATHENA_CONFIGURATION -->\n\n${renderConfigurationTable(sources)}\n\n<!-- /ATHENA_CONFIGURATION -->`,
  );
}

function variableCell(variable: VariableDefinition): string {
  const aliases = variable.aliases.map((alias) => `\`${alias}\``).join(', ');
  return aliases === '' ? `\`${variable.name}\`` : `\`${variable.name}\` (alias ${aliases})`;
}

/** The option's path and type; the registry's texts are table-ready Markdown. */
function optionCell(option: OptionDefinition): string {
  return `\`${option.path}\`: ${option.type}`;
}
