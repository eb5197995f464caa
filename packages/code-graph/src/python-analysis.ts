import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {
  CodeEntityType,
  DependencyType,
  FileEdgeInput,
  UnresolvedReferenceInput,
} from '@athena/core-types';
import type { Node, Tree } from 'web-tree-sitter';
import { Parser } from 'web-tree-sitter';
import { contentHash } from './content-hash.js';
import type { IndexProblem } from './index-problem.js';
import type {
  AnalyzeInput,
  AnalyzeResult,
  ExtractedEntity,
  FileIndex,
} from './language-indexer.js';
import type { SourceFile } from './source-file.js';
import { loadTreeSitterGrammar } from './tree-sitter-grammar.js';

const GRAMMAR = 'tree-sitter-python/tree-sitter-python.wasm';
const EXCERPT_CHARS = 400;
const SIGNATURE_CHARS = 500;
const TARGET_CHARS = 200;
/** How many `from x import y` hops a name is followed through re-exports. */
const MAX_HOPS = 8;

/** Python's built-in names: calls to them are external, not unresolved. */
const BUILTINS: ReadonlySet<string> = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile ' +
    'complex delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals ' +
    'hasattr hash help hex id input int isinstance issubclass iter len list locals map max memoryview min ' +
    'next object oct open ord pow print property range repr reversed round set setattr slice sorted ' +
    'staticmethod str sum super tuple type vars zip __import__ ' +
    'BaseException Exception ArithmeticError AssertionError AttributeError BlockingIOError BrokenPipeError ' +
    'BufferError ConnectionError ConnectionAbortedError ConnectionRefusedError ConnectionResetError ' +
    'EOFError EnvironmentError FileExistsError FileNotFoundError FloatingPointError GeneratorExit IOError ' +
    'ImportError IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError ' +
    'MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError ' +
    'OverflowError PermissionError ProcessLookupError RecursionError ReferenceError RuntimeError ' +
    'StopAsyncIteration StopIteration SyntaxError SystemError SystemExit TabError TimeoutError TypeError ' +
    'UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError ValueError ZeroDivisionError ' +
    'Warning DeprecationWarning UserWarning RuntimeWarning FutureWarning PendingDeprecationWarning ' +
    'ExceptionGroup BaseExceptionGroup NotImplemented Ellipsis'
  ).split(' '),
);

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** An identifier or attribute chain as written: `a.b.c`, or `super().m`. */
interface PyExpression {
  /** The names of the chain, outermost first; `null` when it does not start with a name. */
  readonly parts: readonly string[] | null;
  /** `super().parts…` */
  readonly viaSuper: boolean;
  readonly text: string;
  readonly line: number;
}

interface PyRecord {
  readonly name: string;
  readonly qualifiedName: string;
  readonly entityType: CodeEntityType;
  /** Character range of the entity, decorators included. */
  readonly start: number;
  readonly end: number;
  readonly startLine: number;
  readonly endLine: number;
  /** For methods and nested classes: the class they belong to. */
  readonly ownerClass: PyRecord | null;
  readonly signature: string | null;
  readonly docstring: string | null;
  readonly exported: boolean;
  readonly complexity: number | null;
  /** Class bases, and decorators written without a call (`@cached`). */
  readonly bases: readonly PyExpression[];
  readonly decorators: readonly PyExpression[];
  /** Parameter names (functions and methods): calling one of them is not resolvable. */
  readonly parameters: ReadonlySet<string>;
  /** Methods and nested classes by name (classes only). */
  readonly members: Map<string, PyRecord>;
}

type Binding =
  | { readonly kind: 'module'; readonly module: string }
  | { readonly kind: 'member'; readonly module: string; readonly member: string };

/**
 * One file, as plain data: its tree is freed as soon as it is read (keeping
 * hundreds of trees alive made the grammar's WebAssembly allocator the
 * largest cost of a run).
 */
interface PyModule {
  readonly file: SourceFile;
  readonly name: string;
  readonly isPackage: boolean;
  readonly module: PyRecord;
  readonly records: PyRecord[];
  /** Top-level classes, functions and variables by name. */
  readonly defs: Map<string, PyRecord>;
  readonly bindings: Map<string, Binding>;
  readonly starImports: string[];
  /** Every imported module (resolved name, or null when a relative import climbs too far). */
  readonly imports: {
    readonly module: string | null;
    readonly text: string;
    readonly line: number;
  }[];
  /** Calls, read only for the files being indexed: where, and what is called. */
  readonly calls: { readonly at: number; readonly callee: PyExpression }[];
  readonly syntaxErrorLines: readonly number[];
}

type Resolved =
  | { readonly kind: 'entity'; readonly record: PyRecord; readonly module: PyModule }
  | { readonly kind: 'module'; readonly module: PyModule }
  | { readonly kind: 'external' };

/** Reads an identifier or attribute chain. */
function expressionOf(node: Node): PyExpression {
  const text = clip(node.text, TARGET_CHARS) || '(anonymous)';
  const line = node.startPosition.row + 1;
  const names: string[] = [];
  let current: Node | null = node;
  while (current?.type === 'attribute') {
    const attribute = current.childForFieldName('attribute');
    if (attribute === null) break;
    names.unshift(attribute.text);
    current = current.childForFieldName('object');
  }
  if (current?.type === 'identifier')
    return { parts: [current.text, ...names], viaSuper: false, text, line };
  const viaSuper =
    current?.type === 'call' &&
    current.childForFieldName('function')?.text === 'super' &&
    names.length > 0;
  return { parts: viaSuper ? names : null, viaSuper, text, line };
}

function parameterNames(fn: Node | null): ReadonlySet<string> {
  const list = fn?.type === 'function_definition' ? fn.childForFieldName('parameters') : null;
  return new Set(
    (list?.namedChildren ?? []).flatMap((parameter) => {
      if (parameter === null) return [];
      const name =
        parameter.type === 'identifier'
          ? parameter
          : (parameter.childForFieldName('name') ??
            parameter.namedChildren.find((c) => c?.type === 'identifier'));
      return name === null || name === undefined || name.text === 'self' || name.text === 'cls'
        ? []
        : [name.text];
    }),
  );
}

function docstringOf(body: Node | null): string | null {
  const first = body?.namedChildren[0];
  if (first?.type !== 'expression_statement') return null;
  const string = first.namedChildren[0];
  if (string?.type !== 'string') return null;
  const content = string.namedChildren
    .filter((c): c is Node => c !== null && c.type === 'string_content')
    .map((c) => c.text)
    .join('');
  const text = content
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .trim();
  return text.length > 0 ? text : null;
}

const DECISIONS = [
  'if_statement',
  'elif_clause',
  'for_statement',
  'while_statement',
  'except_clause',
  'conditional_expression',
  'boolean_operator',
  'case_clause',
  'for_in_clause',
];

function complexityOf(body: Node | null): number | null {
  if (body === null) return null;
  return 1 + body.descendantsOfType(DECISIONS).length;
}

/**
 * The module name of a file: its name, prefixed by each enclosing directory
 * that is a package (has an `__init__.py`), innermost first.
 */
function moduleNameOf(
  path: string,
  packages: { has(directory: string): boolean },
): { name: string; isPackage: boolean } {
  const parts = path.replace(/\.pyi?$/, '').split('/');
  const last = parts[parts.length - 1] as string;
  const isPackage = last === '__init__';
  const names = isPackage ? [] : [last];
  const directories = parts.slice(0, -1);
  while (directories.length > 0 && packages.has(directories.join('/'))) {
    names.unshift(directories.pop() as string);
  }
  return { name: names.join('.') || last, isPackage };
}

/**
 * The Python indexer's work (see `PythonIndexer`, which runs it on a worker
 * thread or in the caller's): the files of `input` through tree-sitter.
 */
export async function analyzePython(input: AnalyzeInput): Promise<AnalyzeResult> {
  const grammar = await loadTreeSitterGrammar(GRAMMAR);
  const parser = new Parser();
  parser.setLanguage(grammar);
  const problems: IndexProblem[] = [];
  // A directory is a package when it has an __init__.py on disk, scanned or not
  // (indexing only `paths` must not rename the modules).
  const packageCache = new Map<string, boolean>();
  const packages = {
    has: (directory: string): boolean => {
      let known = packageCache.get(directory);
      if (known === undefined) {
        known =
          existsSync(join(input.root, directory, '__init__.py')) ||
          existsSync(join(input.root, directory, '__init__.pyi'));
        packageCache.set(directory, known);
      }
      return known;
    },
  };
  const byName = new Map<string, PyModule[]>();
  const modules: PyModule[] = [];
  try {
    for (const file of input.files) {
      const tree = parser.parse(file.text);
      if (tree === null) {
        problems.push({
          kind: 'syntax',
          path: file.path,
          message: 'the parser gave up on this file',
        });
        continue;
      }
      try {
        const module = readModule(file, tree, packages, input.changed.has(file.path));
        modules.push(module);
        const list = byName.get(module.name);
        if (list === undefined) byName.set(module.name, [module]);
        else list.push(module);
      } finally {
        tree.delete();
      }
    }
  } finally {
    parser.delete();
  }
  const topLevel = new Set([...byName.keys()].map((name) => name.split('.')[0]));
  const unique = (name: string): PyModule | undefined => {
    const list = byName.get(name);
    return list?.length === 1 ? list[0] : undefined;
  };
  const files: FileIndex[] = [];
  for (const module of modules) {
    if (!input.changed.has(module.file.path)) continue;
    if (module.syntaxErrorLines.length > 0) {
      const lines = module.syntaxErrorLines;
      problems.push({
        kind: 'syntax',
        path: module.file.path,
        message: `syntax errors at line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}; the rest is indexed`,
        line: lines[0] as number,
      });
    }
    const index = resolveModule(module, unique, topLevel);
    files.push(index);
    input.onFile?.(index);
  }
  return { files, problems, checkerMs: 0 };
}

/** Lines of the first ten syntax errors of a tree. */
function syntaxErrorLines(tree: Tree): number[] {
  const lines: number[] = [];
  const visit = (node: Node): void => {
    if (lines.length >= 10) return;
    if (node.type === 'ERROR' || node.isMissing) {
      lines.push(node.startPosition.row + 1);
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child !== null) visit(child);
  };
  visit(tree.rootNode);
  return lines;
}

/** Statements whose blocks still belong to the enclosing module or class body. */
const COMPOUND: ReadonlySet<string> = new Set(['if_statement', 'try_statement', 'with_statement']);

/** The blocks of a compound statement, through its `elif`/`else`/`except`/`finally` clauses. */
function nestedBlocks(node: Node): Node[] {
  return node.namedChildren.flatMap((child) =>
    child === null
      ? []
      : child.type === 'block'
        ? [child]
        : child.type.endsWith('_clause')
          ? nestedBlocks(child)
          : [],
  );
}

/** Declarations and imports of one file. */
function readModule(
  file: SourceFile,
  tree: Tree,
  packages: { has(directory: string): boolean },
  changed: boolean,
): PyModule {
  const { name, isPackage } = moduleNameOf(file.path, packages);
  const root = tree.rootNode;
  const exportedList = allList(root);
  const isPublic = (n: string) =>
    exportedList === null ? !n.startsWith('_') : exportedList.has(n);
  const module: PyRecord = {
    name: name.split('.').pop() ?? name,
    qualifiedName: name,
    entityType: 'module',
    start: 0,
    end: file.text.length,
    startLine: 1,
    endLine: Math.max(1, root.endPosition.row + 1),
    ownerClass: null,
    signature: null,
    docstring: docstringOf(root),
    exported: true,
    complexity: null,
    bases: [],
    decorators: [],
    parameters: new Set(),
    members: new Map(),
  };
  const records: PyRecord[] = [];
  const defs = new Map<string, PyRecord>();
  const keys = new Set<string>();

  const define = (
    node: Node,
    decorators: Node[],
    span: Node,
    prefix: string,
    ownerClass: PyRecord | null,
  ): PyRecord | null => {
    const nameNode = node.childForFieldName('name');
    if (nameNode === null) return null;
    const short = nameNode.text;
    const qualifiedName = prefix + short;
    const isClass = node.type === 'class_definition';
    const entityType: CodeEntityType = isClass
      ? 'class'
      : ownerClass === null
        ? 'function'
        : 'method';
    const key = `${qualifiedName}\u0000${entityType}`;
    // A redefinition (`if`/`else` variants, a property setter) extends the first one's record.
    if (keys.has(key)) return null;
    keys.add(key);
    const body = node.childForFieldName('body');
    const head = file.text
      .slice(node.startIndex, body?.startIndex ?? node.endIndex)
      .replace(/:\s*$/, '');
    const decoratorText = decorators.map((d) => d.text).join(' ');
    const exported =
      ownerClass === null
        ? isPublic(short)
        : !short.startsWith('_') || (short.startsWith('__') && short.endsWith('__'));
    const superclasses = isClass ? node.childForFieldName('superclasses') : null;
    const record: PyRecord = {
      name: short,
      qualifiedName,
      entityType,
      start: span.startIndex,
      end: span.endIndex,
      startLine: span.startPosition.row + 1,
      endLine: span.endPosition.row + 1,
      ownerClass,
      signature: clip(
        decoratorText.length > 0 ? `${decoratorText} ${head}` : head,
        SIGNATURE_CHARS,
      ),
      docstring: docstringOf(body),
      exported,
      complexity: isClass ? null : complexityOf(body),
      bases: (superclasses?.namedChildren ?? [])
        // `Base[T]` (a generic base) names Base.
        .map((c) => (c?.type === 'subscript' ? c.childForFieldName('value') : c))
        .filter((c): c is Node => c !== null && (c.type === 'identifier' || c.type === 'attribute'))
        .map(expressionOf),
      decorators: decorators
        .map((d) => d.namedChildren[0])
        .filter((e): e is Node => e !== null && e !== undefined && e.type !== 'call')
        .map(expressionOf),
      parameters: isClass ? new Set() : parameterNames(node),
      members: new Map(),
    };
    records.push(record);
    if (ownerClass !== null) ownerClass.members.set(short, record);
    if (isClass && body !== null) collect(body, `${qualifiedName}.`, record);
    return record;
  };

  // Definitions inside `if`/`try`/`with` blocks at the top of a module or class count too.
  const collect = (block: Node, prefix: string, ownerClass: PyRecord | null): void => {
    for (const statement of block.namedChildren) {
      if (statement === null) continue;
      let node: Node | null = statement;
      let decorators: Node[] = [];
      if (statement.type === 'decorated_definition') {
        decorators = statement.namedChildren.filter(
          (c): c is Node => c !== null && c.type === 'decorator',
        );
        node = statement.childForFieldName('definition');
      }
      if (node?.type === 'function_definition' || node?.type === 'class_definition') {
        const record = define(node, decorators, statement, prefix, ownerClass);
        if (record !== null && ownerClass === null) defs.set(record.name, record);
      } else if (COMPOUND.has(statement.type)) {
        for (const block of nestedBlocks(statement)) collect(block, prefix, ownerClass);
      } else if (ownerClass === null && statement.type === 'expression_statement') {
        const assignment = statement.namedChildren[0];
        const left =
          assignment?.type === 'assignment' ? assignment.childForFieldName('left') : null;
        if (left?.type === 'identifier') {
          const short = left.text;
          const constant = /^[A-Z][A-Z0-9_]*$/.test(short) || exportedList?.has(short) === true;
          const key = `${prefix}${short}\u0000variable`;
          if (constant && short !== '__all__' && !keys.has(key)) {
            keys.add(key);
            const record: PyRecord = {
              name: short,
              qualifiedName: prefix + short,
              entityType: 'variable',
              start: statement.startIndex,
              end: statement.endIndex,
              startLine: statement.startPosition.row + 1,
              endLine: statement.endPosition.row + 1,
              ownerClass: null,
              signature: clip(statement.text, SIGNATURE_CHARS),
              docstring: null,
              exported: isPublic(short),
              complexity: null,
              bases: [],
              decorators: [],
              parameters: new Set(),
              members: new Map(),
            };
            records.push(record);
            defs.set(short, record);
          }
        }
      }
    }
  };
  collect(root, '', null);

  // Imports anywhere in the file: lazy imports inside functions are dependencies too.
  const bindings = new Map<string, Binding>();
  const starImports: string[] = [];
  const imports: PyModule['imports'] = [];
  const packageName = isPackage ? name : name.split('.').slice(0, -1).join('.');
  const absolute = (node: Node): string | null => {
    if (node.type === 'dotted_name') return node.text;
    if (node.type !== 'relative_import') return null;
    const prefix = node.namedChildren.find((c) => c?.type === 'import_prefix')?.text ?? '';
    const rest = node.namedChildren.find((c) => c?.type === 'dotted_name')?.text ?? '';
    const parts = packageName === '' ? [] : packageName.split('.');
    const up = prefix.length - 1;
    if (up > parts.length) return null;
    const base = parts.slice(0, parts.length - up);
    return [...base, ...(rest === '' ? [] : rest.split('.'))].join('.') || null;
  };
  for (const statement of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (statement === null) continue;
    if (statement.type === 'import_statement') {
      for (const child of statement.childrenForFieldName('name')) {
        if (child === null) continue;
        const dotted = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
        const alias =
          child.type === 'aliased_import' ? child.childForFieldName('alias')?.text : undefined;
        if (dotted === null) continue;
        imports.push({
          module: dotted.text,
          text: dotted.text,
          line: statement.startPosition.row + 1,
        });
        if (alias !== undefined) bindings.set(alias, { kind: 'module', module: dotted.text });
        else {
          const first = dotted.text.split('.')[0] as string;
          if (!bindings.has(first)) bindings.set(first, { kind: 'module', module: first });
        }
      }
      continue;
    }
    const source = statement.childForFieldName('module_name');
    if (source === null) continue;
    const from = absolute(source);
    imports.push({ module: from, text: source.text, line: statement.startPosition.row + 1 });
    if (from === null) continue;
    if (statement.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      starImports.push(from);
      continue;
    }
    for (const child of statement.childrenForFieldName('name')) {
      if (child === null) continue;
      const dotted = child.type === 'aliased_import' ? child.childForFieldName('name') : child;
      const alias =
        child.type === 'aliased_import' ? child.childForFieldName('alias')?.text : undefined;
      if (dotted === null) continue;
      bindings.set(alias ?? dotted.text, { kind: 'member', module: from, member: dotted.text });
    }
  }
  const calls = changed
    ? root.descendantsOfType('call').flatMap((call) => {
        const fn = call?.childForFieldName('function');
        return call === null || fn === null || fn === undefined
          ? []
          : [{ at: call.startIndex, callee: expressionOf(fn) }];
      })
    : [];
  return {
    file,
    name,
    isPackage,
    module,
    records,
    defs,
    bindings,
    starImports,
    imports,
    calls,
    syntaxErrorLines: changed && root.hasError ? syntaxErrorLines(tree) : [],
  };
}

/** The names in `__all__ = [...]`, or null when the module does not define it. */
function allList(root: Node): Set<string> | null {
  for (const statement of root.namedChildren) {
    const assignment =
      statement?.type === 'expression_statement' ? statement.namedChildren[0] : null;
    if (assignment?.type !== 'assignment') continue;
    if (assignment.childForFieldName('left')?.text !== '__all__') continue;
    const right = assignment.childForFieldName('right');
    if (right === null || (right.type !== 'list' && right.type !== 'tuple')) return null;
    return new Set(
      right.namedChildren
        .filter((c): c is Node => c !== null && c.type === 'string')
        .map((c) => c.text.replace(/^[rbuRBU]*['"]+|['"]+$/g, '')),
    );
  }
  return null;
}

function toEntity(record: PyRecord, file: SourceFile, hash: string): ExtractedEntity {
  return {
    name: record.name,
    qualifiedName: record.qualifiedName,
    entityType: record.entityType,
    language: 'python',
    signature: record.signature,
    docstring: record.docstring,
    startLine: record.startLine,
    endLine: Math.max(record.startLine, record.endLine),
    complexity: record.complexity,
    codeHash: hash,
    exported: record.entityType === 'module' ? null : record.exported,
    excerpt: file.text.slice(record.start, record.start + EXCERPT_CHARS),
  };
}

/** Edges and unresolved references of one module. */
function resolveModule(
  module: PyModule,
  unique: (name: string) => PyModule | undefined,
  topLevel: ReadonlySet<string | undefined>,
): FileIndex {
  const edges: FileEdgeInput[] = [];
  const unresolved: UnresolvedReferenceInput[] = [];
  let external = 0;
  const file = module.file;

  const refOf = (record: PyRecord, owner: PyModule) => ({
    qualifiedName: record.qualifiedName,
    filePath: owner.file.path,
    entityType: record.entityType,
  });
  const from = (record: PyRecord) => ({
    qualifiedName: record.qualifiedName,
    entityType: record.entityType,
  });
  const addEdge = (
    owner: PyRecord,
    target: PyRecord,
    targetModule: PyModule,
    type: DependencyType,
  ) => {
    if (owner === target) return;
    edges.push({ from: from(owner), to: refOf(target, targetModule), dependencyType: type });
  };
  const addUnresolved = (owner: PyRecord, type: DependencyType, text: string, line: number) => {
    unresolved.push({ from: from(owner), dependencyType: type, target: text, line });
  };
  /** A module outside the project (standard library, an installed package). */
  const isExternal = (name: string) => !topLevel.has(name.split('.')[0]);

  const resolveName = (where: PyModule, name: string, hops: number): Resolved | undefined => {
    const def = where.defs.get(name);
    if (def !== undefined) return { kind: 'entity', record: def, module: where };
    const binding = where.bindings.get(name);
    if (binding !== undefined) return resolveBinding(binding, hops);
    for (const star of where.starImports) {
      const target = unique(star);
      if (target === undefined || hops >= MAX_HOPS) continue;
      const found = resolveName(target, name, hops + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  const resolveBinding = (binding: Binding, hops: number): Resolved | undefined => {
    if (binding.kind === 'module') {
      const target = unique(binding.module);
      if (target !== undefined) return { kind: 'module', module: target };
      return isExternal(binding.module) ? { kind: 'external' } : undefined;
    }
    const submodule = unique(`${binding.module}.${binding.member}`);
    if (submodule !== undefined) return { kind: 'module', module: submodule };
    const target = unique(binding.module);
    if (target === undefined) return isExternal(binding.module) ? { kind: 'external' } : undefined;
    if (hops >= MAX_HOPS) return undefined;
    return resolveName(target, binding.member, hops + 1);
  };

  /** A method or nested class of `cls` or of its bases in the project (first found, in base order). */
  const memberOf = (
    cls: PyRecord,
    where: PyModule,
    name: string,
    depth: number,
  ): Resolved | undefined => {
    const own = cls.members.get(name);
    if (own !== undefined) return { kind: 'entity', record: own, module: where };
    if (depth >= MAX_HOPS) return undefined;
    let externalBase = false;
    for (const base of cls.bases) {
      const resolved = resolveExpression(base, where, null, depth + 1);
      if (resolved?.kind === 'entity' && resolved.record.entityType === 'class') {
        const found = memberOf(resolved.record, resolved.module, name, depth + 1);
        if (found !== undefined) return found;
      } else if (resolved?.kind === 'external') externalBase = true;
    }
    return externalBase ? { kind: 'external' } : undefined;
  };

  /** The first base of `cls` (in the project) that has `name`. */
  const viaBases = (
    cls: PyRecord,
    where: PyModule,
    name: string,
    depth: number,
  ): Resolved | undefined => {
    for (const base of cls.bases) {
      const resolved = resolveExpression(base, where, null, depth + 1);
      if (resolved?.kind === 'external') return resolved;
      if (resolved?.kind === 'entity' && resolved.record.entityType === 'class') {
        const found = memberOf(resolved.record, resolved.module, name, depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };

  /** What an identifier or attribute chain names, seen from `where` inside class `cls`. */
  const resolveExpression = (
    expression: PyExpression,
    where: PyModule,
    cls: PyRecord | null,
    depth: number,
  ): Resolved | undefined => {
    const parts = expression.parts;
    if (parts === null || parts.length === 0 || depth > MAX_HOPS) return undefined;
    const [first, ...rest] = parts as [string, ...string[]];
    let current: Resolved | undefined;
    if (expression.viaSuper) {
      if (cls === null) return undefined;
      current = viaBases(cls, where, first, depth);
    } else if (cls !== null && (first === 'self' || first === 'cls')) {
      current = { kind: 'entity', record: cls, module: where };
    } else {
      current =
        resolveName(where, first, depth) ??
        (BUILTINS.has(first) ? { kind: 'external' } : undefined);
    }
    for (const attribute of rest) {
      if (current === undefined || current.kind === 'external') return current;
      if (current.kind === 'module') {
        const submodule = unique(`${current.module.name}.${attribute}`);
        current =
          submodule !== undefined
            ? { kind: 'module', module: submodule }
            : resolveName(current.module, attribute, depth + 1);
      } else if (current.record.entityType === 'class') {
        current = memberOf(current.record, current.module, attribute, depth);
      } else {
        return undefined;
      }
    }
    return current;
  };

  // Module → module edges.
  const seenModules = new Set<string>();
  for (const entry of module.imports) {
    if (entry.module === null) {
      addUnresolved(module.module, 'imports', entry.text, entry.line);
      continue;
    }
    const target = unique(entry.module);
    if (target !== undefined) {
      if (!seenModules.has(target.file.path)) {
        seenModules.add(target.file.path);
        if (target !== module) addEdge(module.module, target.module, target, 'imports');
      }
      continue;
    }
    if (isExternal(entry.module)) external += 1;
    else addUnresolved(module.module, 'imports', entry.text, entry.line);
  }
  // `from pkg import submodule` imports the submodule too.
  for (const binding of module.bindings.values()) {
    if (binding.kind !== 'member') continue;
    const submodule = unique(`${binding.module}.${binding.member}`);
    if (submodule !== undefined && submodule !== module && !seenModules.has(submodule.file.path)) {
      seenModules.add(submodule.file.path);
      addEdge(module.module, submodule.module, submodule, 'imports');
    }
  }

  // The innermost entity around a position owns what happens there.
  const spans = module.records
    .filter((r) => r.entityType !== 'variable')
    .map((r) => ({ record: r, start: r.start, end: r.end }));
  const ownerAt = (index: number): PyRecord => {
    let best: { record: PyRecord; start: number; end: number } | undefined;
    for (const span of spans) {
      if (
        span.start <= index &&
        index < span.end &&
        (best === undefined || span.end - span.start < best.end - best.start)
      ) {
        best = span;
      }
    }
    return best?.record ?? module.module;
  };
  const classOf = (record: PyRecord): PyRecord | null =>
    record.entityType === 'class' ? record : record.ownerClass;
  const link = (owner: PyRecord, expression: PyExpression, type: DependencyType) => {
    // A parameter shadows whatever the module calls by that name: calling it is not resolvable.
    const head = expression.viaSuper ? undefined : expression.parts?.[0];
    const resolved =
      head !== undefined && owner.parameters.has(head)
        ? undefined
        : resolveExpression(expression, module, classOf(owner), 0);
    if (resolved?.kind === 'external') {
      external += 1;
      return;
    }
    const wanted =
      resolved?.kind === 'entity' &&
      (type === 'extends'
        ? resolved.record.entityType === 'class'
        : resolved.record.entityType !== 'variable');
    if (wanted) addEdge(owner, resolved.record, resolved.module, type);
    else addUnresolved(owner, type, expression.text, expression.line);
  };

  for (const record of module.records) {
    for (const base of record.bases) link(record, base, 'extends');
    // `@name` without arguments is applied (called) too; `@name(...)` is among the calls.
    for (const decorator of record.decorators) link(record, decorator, 'calls');
  }
  for (const { at, callee } of module.calls) link(ownerAt(at), callee, 'calls');

  const entities = [
    toEntity(module.module, file, file.hash),
    ...module.records.map((r) => toEntity(r, file, contentHash(file.text.slice(r.start, r.end)))),
  ];
  return { filePath: file.path, language: 'python', entities, edges, unresolved, external };
}
