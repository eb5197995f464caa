import { dirname, extname, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  CodeEntityType,
  DependencyType,
  FileEdgeInput,
  UnresolvedReferenceInput,
} from '@athena/core-types';
import ts from 'typescript';
import { contentHash } from './content-hash.js';
import type { IndexProblem } from './index-problem.js';
import type {
  AnalyzeInput,
  AnalyzeResult,
  ExtractedEntity,
  FileIndex,
} from './language-indexer.js';
import type { SourceFile } from './source-file.js';

/** Characters of an entity's source kept for its memory. */
const EXCERPT_CHARS = 400;
/** Characters of a signature. */
const SIGNATURE_CHARS = 500;
/** Characters of an unresolved reference's text. */
const TARGET_CHARS = 200;

const JS_EXTENSIONS = new Set(['.js', '.jsx', '.mjs', '.cjs']);

/**
 * For files no tsconfig.json claims: JavaScript allowed, bundler-style
 * resolution, and no automatic `@types` (they would be looked up in whatever
 * directories lie above the root).
 */
const DEFAULT_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.Preserve,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

/** One entity while it is being extracted: its declarations may be several (overloads, merging). */
interface EntityRecord {
  readonly filePath: string;
  readonly name: string;
  readonly qualifiedName: string;
  readonly entityType: CodeEntityType;
  readonly nodes: ts.Node[];
  signature: string | null;
  docstring: string | null;
  startLine: number;
  endLine: number;
  exported: boolean | null;
  text: string;
  complexity: number | null;
}

/** The entities of one parsed file, found without a type checker. */
interface Extraction {
  readonly file: SourceFile;
  readonly language: string;
  readonly module: EntityRecord;
  readonly entities: EntityRecord[];
}

/** A tsconfig.json (or one it references) and the files it claims. */
interface Project {
  readonly configPath: string | null;
  readonly options: ts.CompilerOptions;
  readonly references: readonly ts.ProjectReference[] | undefined;
  readonly fileNames: ReadonlySet<string>;
}

const lineOf = (sf: ts.SourceFile, pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
const collapse = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};
const clip = (text: string) => collapse(text, TARGET_CHARS);

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return (
    ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === kind) ?? false)
  );
}

/** The text of the last `/** … *\/` comment before `node`, without its markers. */
function docComment(sf: ts.SourceFile, node: ts.Node): string | null {
  const ranges = ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? [];
  for (let i = ranges.length - 1; i >= 0; i--) {
    const range = ranges[i] as ts.CommentRange;
    const raw = sf.text.slice(range.pos, range.end);
    if (!raw.startsWith('/**')) continue;
    const text = raw
      .slice(3, -2)
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, '').trimEnd())
      .join('\n')
      .trim();
    return text.length > 0 ? text : null;
  }
  return null;
}

/** The function an initializer holds, through parentheses and type assertions: `((x) => x) as F`. */
function functionIn(
  node: ts.Node | undefined,
): ts.ArrowFunction | ts.FunctionExpression | undefined {
  let current = node;
  while (
    current !== undefined &&
    (ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isTypeAssertionExpression(current))
  ) {
    current = current.expression;
  }
  return current !== undefined && (ts.isArrowFunction(current) || ts.isFunctionExpression(current))
    ? current
    : undefined;
}

/** Decision points of a function body, plus one: McCabe's cyclomatic complexity. */
function complexityOf(body: ts.Node | undefined): number | null {
  if (body === undefined) return null;
  let count = 1;
  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case ts.SyntaxKind.IfStatement:
      case ts.SyntaxKind.ConditionalExpression:
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
      case ts.SyntaxKind.CaseClause:
      case ts.SyntaxKind.CatchClause:
        count += 1;
        break;
      case ts.SyntaxKind.BinaryExpression: {
        const op = (node as ts.BinaryExpression).operatorToken.kind;
        if (
          op === ts.SyntaxKind.AmpersandAmpersandToken ||
          op === ts.SyntaxKind.BarBarToken ||
          op === ts.SyntaxKind.QuestionQuestionToken
        )
          count += 1;
        break;
      }
      default:
        break;
    }
    // Nested functions are part of their owner, as their calls are.
    ts.forEachChild(node, visit);
  };
  visit(body);
  return count;
}

/** Text from `start` up to `end`, one line, bounded. */
function headText(sf: ts.SourceFile, start: number, end: number): string {
  return collapse(sf.text.slice(start, end).replace(/[{=;]\s*$/, ''), SIGNATURE_CHARS);
}

/**
 * Reads the declarations of one file: the module, functions (overloads as
 * one entity), classes and their methods, interfaces, type aliases, enums,
 * exported constants and functions held in variables; namespaces qualify
 * what they contain (`NS.f`).
 */
function extract(file: SourceFile, sf: ts.SourceFile): Extraction {
  const language = JS_EXTENSIONS.has(extname(file.path)) ? 'javascript' : 'typescript';
  const modulePath = file.path.replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
  const base = modulePath.split('/').pop() ?? modulePath;
  const lines = sf.getLineStarts().length;
  const module: EntityRecord = {
    filePath: file.path,
    name: base,
    qualifiedName: modulePath,
    entityType: 'module',
    nodes: [sf],
    signature: null,
    docstring: null,
    startLine: 1,
    endLine: Math.max(1, lines),
    exported: null,
    text: file.text,
    complexity: null,
  };
  const records = new Map<string, EntityRecord>();

  // Names exported by a clause (`export { a, b as c }`, `export default a`).
  const exportedNames = new Set<string>();
  for (const statement of sf.statements) {
    if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier === undefined &&
      statement.exportClause !== undefined &&
      ts.isNamedExports(statement.exportClause)
    ) {
      for (const element of statement.exportClause.elements) {
        exportedNames.add((element.propertyName ?? element.name).text);
      }
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      exportedNames.add(statement.expression.text);
    }
  }

  const add = (
    node: ts.Node,
    name: string,
    qualifiedName: string,
    entityType: CodeEntityType,
    exported: boolean | null,
    signature: string | null,
    docNode: ts.Node,
    body: ts.Node | undefined,
  ): void => {
    const key = `${qualifiedName}\u0000${entityType}`;
    const start = lineOf(sf, node.getStart(sf));
    const end = lineOf(sf, node.getEnd());
    const text = sf.text.slice(node.getStart(sf), node.getEnd());
    const complexity =
      entityType === 'function' || entityType === 'method' ? complexityOf(body) : null;
    const existing = records.get(key);
    if (existing === undefined) {
      records.set(key, {
        filePath: file.path,
        name,
        qualifiedName,
        entityType,
        nodes: [node],
        signature,
        docstring: docComment(sf, docNode),
        startLine: start,
        endLine: end,
        exported,
        text,
        complexity,
      });
      return;
    }
    // Overloads and merged declarations: one entity spanning them all.
    existing.nodes.push(node);
    if (signature !== null) {
      existing.signature = collapse(
        existing.signature === null ? signature : `${existing.signature}; ${signature}`,
        SIGNATURE_CHARS * 2,
      );
    }
    existing.docstring ??= docComment(sf, docNode);
    existing.startLine = Math.min(existing.startLine, start);
    existing.endLine = Math.max(existing.endLine, end);
    existing.exported = (existing.exported ?? false) || (exported ?? false);
    existing.text += `\n${text}`;
    if (complexity !== null) existing.complexity = (existing.complexity ?? 0) + complexity - 1;
  };

  const isExported = (node: ts.Node, name: string, inNamespace: boolean): boolean =>
    hasModifier(node, ts.SyntaxKind.ExportKeyword) || (!inNamespace && exportedNames.has(name));

  const functionSignature = (node: ts.SignatureDeclaration & { body?: ts.Node | undefined }) =>
    headText(sf, node.getStart(sf), node.body?.getStart(sf) ?? node.getEnd());

  const classMembers = (
    node: ts.ClassDeclaration | ts.ClassExpression,
    owner: string,
    exported: boolean,
  ) => {
    for (const member of node.members) {
      const isPrivate =
        hasModifier(member, ts.SyntaxKind.PrivateKeyword) ||
        (member.name !== undefined && ts.isPrivateIdentifier(member.name));
      const memberExported = exported && !isPrivate;
      if (ts.isConstructorDeclaration(member)) {
        const qn = `${owner}.constructor`;
        add(
          member,
          'constructor',
          qn,
          'method',
          memberExported,
          functionSignature(member),
          member,
          member.body,
        );
        continue;
      }
      const name = member.name;
      if (
        name === undefined ||
        !(ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name))
      ) {
        continue;
      }
      const text = name.text;
      if (
        ts.isMethodDeclaration(member) ||
        ts.isGetAccessorDeclaration(member) ||
        ts.isSetAccessorDeclaration(member)
      ) {
        add(
          member,
          text,
          `${owner}.${text}`,
          'method',
          memberExported,
          functionSignature(member),
          member,
          member.body,
        );
      } else if (ts.isPropertyDeclaration(member) && functionIn(member.initializer) !== undefined) {
        const fn = functionIn(member.initializer) as ts.ArrowFunction | ts.FunctionExpression;
        add(
          member,
          text,
          `${owner}.${text}`,
          'method',
          memberExported,
          headText(sf, member.getStart(sf), fn.body.getStart(sf)),
          member,
          fn.body,
        );
      }
    }
  };

  const collect = (
    statements: readonly ts.Statement[],
    prefix: string,
    inNamespace: boolean,
  ): void => {
    for (const statement of statements) {
      if (ts.isFunctionDeclaration(statement)) {
        const name =
          statement.name?.text ??
          (hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : undefined);
        if (name === undefined) continue;
        add(
          statement,
          name,
          prefix + name,
          'function',
          isExported(statement, name, inNamespace),
          functionSignature(statement),
          statement,
          statement.body,
        );
      } else if (ts.isClassDeclaration(statement)) {
        const name =
          statement.name?.text ??
          (hasModifier(statement, ts.SyntaxKind.DefaultKeyword) ? 'default' : undefined);
        if (name === undefined) continue;
        const exported = isExported(statement, name, inNamespace);
        const membersStart = statement.members.pos;
        add(
          statement,
          name,
          prefix + name,
          'class',
          exported,
          headText(sf, statement.getStart(sf), membersStart),
          statement,
          undefined,
        );
        classMembers(statement, prefix + name, exported);
      } else if (ts.isInterfaceDeclaration(statement)) {
        const name = statement.name.text;
        add(
          statement,
          name,
          prefix + name,
          'interface',
          isExported(statement, name, inNamespace),
          headText(sf, statement.getStart(sf), statement.members.pos),
          statement,
          undefined,
        );
      } else if (ts.isTypeAliasDeclaration(statement)) {
        const name = statement.name.text;
        add(
          statement,
          name,
          prefix + name,
          'type',
          isExported(statement, name, inNamespace),
          collapse(statement.getText(sf), SIGNATURE_CHARS),
          statement,
          undefined,
        );
      } else if (ts.isEnumDeclaration(statement)) {
        const name = statement.name.text;
        add(
          statement,
          name,
          prefix + name,
          'enum',
          isExported(statement, name, inNamespace),
          headText(sf, statement.getStart(sf), statement.members.pos),
          statement,
          undefined,
        );
      } else if (ts.isVariableStatement(statement)) {
        const keyword =
          statement.declarationList.flags & ts.NodeFlags.Const
            ? 'const'
            : statement.declarationList.flags & ts.NodeFlags.Let
              ? 'let'
              : 'var';
        for (const declaration of statement.declarationList.declarations) {
          if (!ts.isIdentifier(declaration.name)) continue;
          const name = declaration.name.text;
          const exported = isExported(statement, name, inNamespace);
          const init = functionIn(declaration.initializer);
          if (init !== undefined) {
            const signature = `${keyword} ${headText(sf, declaration.getStart(sf), init.body.getStart(sf))}`;
            add(
              declaration,
              name,
              prefix + name,
              'function',
              exported,
              signature,
              statement,
              init.body,
            );
          } else if (exported) {
            const signature = `${keyword} ${collapse(declaration.getText(sf), SIGNATURE_CHARS)}`;
            add(
              declaration,
              name,
              prefix + name,
              'variable',
              exported,
              signature,
              statement,
              undefined,
            );
          }
        }
      } else if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name)) {
        let body: ts.ModuleDeclaration['body'] = statement.body;
        let name = statement.name.text;
        while (body !== undefined && ts.isModuleDeclaration(body)) {
          name += `.${body.name.text}`;
          body = body.body;
        }
        if (body !== undefined && ts.isModuleBlock(body))
          collect(body.statements, `${prefix}${name}.`, true);
      }
    }
  };
  collect(sf.statements, '', false);
  return { file, language, module, entities: [...records.values()] };
}

function toEntity(record: EntityRecord, language: string, hash: string): ExtractedEntity {
  return {
    name: record.name,
    qualifiedName: record.qualifiedName,
    entityType: record.entityType,
    language,
    signature: record.signature,
    docstring: record.docstring,
    startLine: record.startLine,
    endLine: Math.max(record.startLine, record.endLine),
    complexity: record.complexity,
    codeHash: hash,
    exported: record.exported,
    excerpt: record.text.slice(0, EXCERPT_CHARS),
  };
}

const refOf = (record: EntityRecord) => ({
  qualifiedName: record.qualifiedName,
  filePath: record.filePath,
  entityType: record.entityType,
});

/** Reads tsconfig.json files (following `references`) and reports what cannot be parsed. */
function loadProjects(
  configFiles: readonly string[],
  root: string,
  problems: IndexProblem[],
): Project[] {
  const projects: Project[] = [];
  const seen = new Set<string>();
  const queue = [...configFiles];
  while (queue.length > 0) {
    const configPath = resolve(queue.shift() as string);
    if (seen.has(configPath)) continue;
    seen.add(configPath);
    const where = relative(root, configPath).split(sep).join('/');
    const diagnostics: ts.Diagnostic[] = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(
      configPath,
      { noEmit: true },
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(d),
      },
    );
    const fatal = diagnostics.concat(
      (parsed?.errors ?? []).filter((d) => d.code !== 18003), // "No inputs were found" is harmless
    );
    for (const d of fatal) {
      problems.push({
        kind: 'config',
        path: where,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
    if (parsed === undefined) continue;
    for (const reference of parsed.projectReferences ?? []) {
      queue.push(ts.resolveProjectReferencePath(reference));
    }
    projects.push({
      configPath,
      options: {
        ...parsed.options,
        allowJs: true,
        noEmit: true,
        incremental: false,
        composite: false,
      },
      references: parsed.projectReferences,
      fileNames: new Set(parsed.fileNames.map((f) => resolve(f))),
    });
  }
  return projects;
}

/**
 * The TypeScript indexer's work (see `TypeScriptIndexer`, which loads this
 * module on its first analysis): the files of `input` through the compiler API.
 */
export async function analyzeTypeScript(input: AnalyzeInput): Promise<AnalyzeResult> {
  const problems: IndexProblem[] = [];
  const indexed = new Map(input.files.map((f) => [resolve(f.absolutePath), f]));
  const projects = loadProjects(input.configFiles, input.root, problems);

  // Each file goes to the nearest project (by config directory depth) that includes it.
  const owner = new Map<string, Project>();
  const byDepth = [...projects].sort(
    (a, b) => dirname(b.configPath as string).length - dirname(a.configPath as string).length,
  );
  const fallback: Project = {
    configPath: null,
    options: DEFAULT_OPTIONS,
    references: undefined,
    fileNames: new Set(),
  };
  for (const path of indexed.keys()) {
    const project = byDepth.find(
      (p) => p.fileNames.has(path) && path.startsWith(dirname(p.configPath as string) + sep),
    );
    owner.set(path, project ?? fallback);
  }
  const assigned = new Map<Project, string[]>();
  for (const [path, project] of owner) {
    const list = assigned.get(project);
    if (list === undefined) assigned.set(project, [path]);
    else list.push(path);
  }

  const sourceCache = new Map<string, ts.SourceFile>();
  const extractions = new WeakMap<ts.SourceFile, Extraction>();
  const records = new WeakMap<ts.Node, EntityRecord>();
  const extractionOf = (sf: ts.SourceFile): Extraction | undefined => {
    const known = extractions.get(sf);
    if (known !== undefined) return known;
    const file = indexed.get(resolve(sf.fileName));
    if (file === undefined) return undefined;
    const extraction = extract(file, sf);
    extractions.set(sf, extraction);
    records.set(sf, extraction.module);
    for (const record of extraction.entities)
      for (const node of record.nodes) records.set(node, record);
    return extraction;
  };

  const results: FileIndex[] = [];
  let checkerMs = 0;
  for (const [project, paths] of assigned) {
    const changed = paths.filter((p) => input.changed.has((indexed.get(p) as SourceFile).path));
    if (changed.length === 0) continue;
    const program = programOf(project, paths, indexed, sourceCache);
    const started = performance.now();
    const checker = program.getTypeChecker();
    checkerMs += performance.now() - started;
    const timed = <T>(fn: () => T): T => {
      const t0 = performance.now();
      try {
        return fn();
      } finally {
        checkerMs += performance.now() - t0;
      }
    };
    for (const path of changed) {
      const sf = program.getSourceFile(path);
      const file = indexed.get(path) as SourceFile;
      if (sf === undefined) continue;
      const extraction = extractionOf(sf) as Extraction;
      for (const d of program.getSyntacticDiagnostics(sf)) {
        problems.push({
          kind: 'syntax',
          path: file.path,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
          line: d.start === undefined ? 1 : lineOf(sf, d.start),
        });
      }
      const index = resolveReferences(
        extraction,
        sf,
        checker,
        timed,
        records,
        extractionOf,
        indexed,
      );
      results.push(index);
      input.onFile?.(index);
    }
  }
  return { files: results, problems, checkerMs };
}

/** The program of `project` over `paths`, its source files read from `indexed` and shared through `cache`. */
function programOf(
  project: Project,
  paths: readonly string[],
  indexed: ReadonlyMap<string, SourceFile>,
  cache: Map<string, ts.SourceFile>,
): ts.Program {
  const options = project.options;
  const host = ts.createCompilerHost(options, true);
  const bindKey = JSON.stringify([
    options.strict,
    options.alwaysStrict,
    options.allowUnreachableCode,
    options.allowUnusedLabels,
    options.jsx,
    options.moduleDetection,
    options.checkJs,
  ]);
  host.getSourceFile = (fileName, languageVersionOrOptions) => {
    const path = resolve(fileName);
    const settings =
      typeof languageVersionOrOptions === 'object'
        ? languageVersionOrOptions
        : { languageVersion: languageVersionOrOptions };
    const key = `${path}|${settings.languageVersion}|${settings.impliedNodeFormat ?? ''}|${bindKey}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const text = indexed.get(path)?.text ?? ts.sys.readFile(fileName);
    if (text === undefined) return undefined;
    const sf = ts.createSourceFile(fileName, text, languageVersionOrOptions, true);
    cache.set(key, sf);
    return sf;
  };
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => indexed.get(resolve(fileName))?.text ?? readFile(fileName);
  // Imports of a referenced project read its sources, not its (unbuilt) declarations.
  (
    host as ts.CompilerHost & { useSourceOfProjectReferenceRedirect?: () => boolean }
  ).useSourceOfProjectReferenceRedirect = () => true;
  return ts.createProgram({
    rootNames: [...paths],
    options,
    host,
    ...(project.references === undefined ? {} : { projectReferences: project.references }),
  });
}

/** Edges and unresolved references of one file, through the checker. */
function resolveReferences(
  extraction: Extraction,
  sf: ts.SourceFile,
  checker: ts.TypeChecker,
  timed: <T>(fn: () => T) => T,
  records: WeakMap<ts.Node, EntityRecord>,
  extractionOf: (sf: ts.SourceFile) => Extraction | undefined,
  indexed: ReadonlyMap<string, SourceFile>,
): FileIndex {
  const edges: FileEdgeInput[] = [];
  const unresolved: UnresolvedReferenceInput[] = [];
  let external = 0;
  const file = extraction.file;

  const addEdge = (from: EntityRecord, to: EntityRecord, dependencyType: DependencyType) => {
    if (from === to) return;
    edges.push({
      from: { qualifiedName: from.qualifiedName, entityType: from.entityType },
      to: refOf(to),
      dependencyType,
    });
  };
  const addUnresolved = (
    from: EntityRecord,
    dependencyType: DependencyType,
    target: string,
    node: ts.Node,
  ) => {
    unresolved.push({
      from: { qualifiedName: from.qualifiedName, entityType: from.entityType },
      dependencyType,
      target: clip(target) || '(anonymous)',
      line: lineOf(sf, node.getStart(sf)),
    });
  };

  const symbolAt = (node: ts.Node): ts.Symbol | undefined =>
    timed(() => {
      const symbol = checker.getSymbolAtLocation(node);
      if (symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias) {
        return checker.getAliasedSymbol(symbol);
      }
      return symbol;
    });

  /** The entity a declaration is, or belongs to as a member of an interface, class or type. */
  const recordOf = (declaration: ts.Node): EntityRecord | undefined => {
    const sf2 = declaration.getSourceFile();
    if (extractionOf(sf2) === undefined) return undefined;
    let node: ts.Node | undefined = declaration;
    for (let hops = 0; node !== undefined && hops < 3; hops++) {
      const record = records.get(node);
      if (record !== undefined && record.entityType !== 'module') return record;
      if (ts.isSourceFile(node)) return node === declaration ? records.get(node) : undefined;
      // Only a member's container counts: a parameter or local is nobody's entity.
      const member =
        ts.isMethodSignature(node) ||
        ts.isPropertySignature(node) ||
        ts.isPropertyDeclaration(node) ||
        ts.isMethodDeclaration(node) ||
        ts.isEnumMember(node) ||
        ts.isTypeLiteralNode(node) ||
        ts.isCallSignatureDeclaration(node) ||
        ts.isConstructSignatureDeclaration(node) ||
        ts.isIndexSignatureDeclaration(node);
      if (!member) return undefined;
      node = node.parent;
    }
    return undefined;
  };

  /** Resolves a referenced name: an entity, something outside the root, or nothing. */
  const classify = (
    symbol: ts.Symbol | undefined,
  ): EntityRecord | 'external' | 'local' | undefined => {
    const declarations = symbol?.declarations ?? [];
    if (declarations.length === 0) return undefined;
    for (const declaration of declarations) {
      const record = recordOf(declaration);
      if (record !== undefined) return record;
    }
    const inside = declarations.some((d) => indexed.has(resolve(d.getSourceFile().fileName)));
    return inside ? 'local' : 'external';
  };

  // Imports, dynamic ones included, are module → module edges.
  const moduleEdge = (specifier: ts.Expression, node: ts.Node): void => {
    const from = extraction.module;
    if (!ts.isStringLiteralLike(specifier)) return;
    const symbol = timed(() => checker.getSymbolAtLocation(specifier));
    const declaration = symbol?.declarations?.[0];
    if (declaration === undefined) {
      addUnresolved(from, 'imports', specifier.text, node);
      return;
    }
    const target = ts.isSourceFile(declaration) ? extractionOf(declaration) : undefined;
    if (target === undefined) external += 1;
    else addEdge(from, target.module, 'imports');
  };

  /** `import { a } from './index'` also depends on the module that declares `a`. */
  const declaringModuleEdge = (from: EntityRecord, name: ts.Node): void => {
    const declaration = symbolAt(name)?.declarations?.[0];
    if (declaration === undefined) return;
    const target = extractionOf(declaration.getSourceFile());
    if (target !== undefined) addEdge(from, target.module, 'imports');
  };

  const reference = (
    owner: EntityRecord,
    nameNode: ts.Node,
    written: ts.Node,
    dependencyType: DependencyType,
    entityTypes: ReadonlySet<CodeEntityType> | null,
  ): void => {
    const result = classify(symbolAt(nameNode));
    if (result === 'external') {
      external += 1;
    } else if (result === undefined || result === 'local') {
      // A type parameter or a local type is nobody's entity: not worth a record.
      if (dependencyType !== 'uses' || result === undefined)
        addUnresolved(owner, dependencyType, written.getText(sf), written);
    } else if (entityTypes === null || entityTypes.has(result.entityType)) {
      addEdge(owner, result, dependencyType);
    }
  };

  const TYPES: ReadonlySet<CodeEntityType> = new Set(['class', 'interface', 'type', 'enum']);
  const CLASSES: ReadonlySet<CodeEntityType> = new Set(['class']);
  const INTERFACES: ReadonlySet<CodeEntityType> = new Set(['interface', 'class', 'type']);

  const calleeName = (expression: ts.Expression): ts.Node | undefined => {
    if (ts.isIdentifier(expression)) return expression;
    if (ts.isPropertyAccessExpression(expression)) return expression.name;
    if (ts.isParenthesizedExpression(expression)) return calleeName(expression.expression);
    if (ts.isNonNullExpression(expression)) return calleeName(expression.expression);
    return undefined;
  };

  const call = (owner: EntityRecord, callee: ts.Expression, node: ts.Node): void => {
    const name = calleeName(callee);
    if (name === undefined) {
      if (callee.kind !== ts.SyntaxKind.SuperKeyword)
        addUnresolved(owner, 'calls', callee.getText(sf), node);
      return;
    }
    reference(owner, name, callee, 'calls', null);
  };

  const visit = (node: ts.Node, owner: EntityRecord): void => {
    const own = records.get(node);
    const current = own !== undefined && own.filePath === file.path ? own : owner;
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      if (node.moduleSpecifier !== undefined) {
        moduleEdge(node.moduleSpecifier, node);
        const bindings = ts.isImportDeclaration(node)
          ? [
              ...(node.importClause?.name === undefined ? [] : [node.importClause.name]),
              ...(node.importClause?.namedBindings !== undefined &&
              ts.isNamedImports(node.importClause.namedBindings)
                ? node.importClause.namedBindings.elements.map((e) => e.name)
                : []),
            ]
          : node.exportClause !== undefined && ts.isNamedExports(node.exportClause)
            ? node.exportClause.elements.map((e) => e.name)
            : [];
        for (const binding of bindings) declaringModuleEdge(current, binding);
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      moduleEdge(node.moduleReference.expression, node);
      return;
    }
    if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        if (first !== undefined) moduleEdge(first, node);
      } else if (
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'require' &&
        first !== undefined &&
        ts.isStringLiteralLike(first) &&
        extraction.language === 'javascript'
      ) {
        moduleEdge(first, node);
      } else {
        call(current, node.expression, node);
      }
    } else if (ts.isNewExpression(node)) {
      call(current, node.expression, node);
    } else if (ts.isTaggedTemplateExpression(node)) {
      call(current, node.tag, node);
    } else if (ts.isDecorator(node) && !ts.isCallExpression(node.expression)) {
      // `@sealed` applies (calls) sealed; `@sealed()` is a call expression, visited below.
      call(current, node.expression, node);
    } else if (ts.isHeritageClause(node)) {
      const type = node.token === ts.SyntaxKind.ExtendsKeyword ? 'extends' : 'implements';
      const targets = ts.isInterfaceDeclaration(node.parent)
        ? INTERFACES
        : type === 'extends'
          ? CLASSES
          : INTERFACES;
      for (const heritage of node.types) {
        const name = calleeName(heritage.expression);
        if (name === undefined)
          addUnresolved(current, type, heritage.expression.getText(sf), heritage);
        else reference(current, name, heritage.expression, type, targets);
        if (heritage.typeArguments !== undefined)
          for (const argument of heritage.typeArguments) visit(argument, current);
        if (name === undefined) visit(heritage.expression, current);
      }
      return;
    } else if (ts.isTypeReferenceNode(node)) {
      const name = ts.isQualifiedName(node.typeName) ? node.typeName.right : node.typeName;
      // `as const` parses as a reference to a type named const.
      if (!(ts.isIdentifier(name) && name.text === 'const' && ts.isConstTypeReference(node))) {
        reference(current, name, node.typeName, 'uses', TYPES);
      }
    }
    ts.forEachChild(node, (child) => visit(child, current));
  };
  visit(sf, extraction.module);

  const entities = [
    toEntity(extraction.module, extraction.language, file.hash),
    ...extraction.entities.map((record) =>
      toEntity(record, extraction.language, contentHash(record.text)),
    ),
  ];
  return {
    filePath: file.path,
    language: extraction.language,
    entities,
    edges,
    unresolved,
    external,
  };
}
