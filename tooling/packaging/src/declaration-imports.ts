import { builtinModules } from 'node:module';
import ts from 'typescript';

/**
 * Every module specifier a declaration file (`.d.ts`, `.d.cts`) refers to:
 * `import … from`, `export … from`, `import x = require(…)`, `import("…")`
 * types, `declare module "…"` augmentations and `/// <reference types>`.
 * Comments (a TSDoc example that imports a package) are not references.
 *
 * @example
 * ```ts
 * declarationImports("import type { Database } from 'better-sqlite3';", 'index.d.ts'); // ['better-sqlite3']
 * ```
 */
export function declarationImports(text: string, fileName: string): string[] {
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    false,
    ts.ScriptKind.TS,
  );
  const found = new Set<string>(
    source.typeReferenceDirectives.map((directive) => directive.fileName),
  );
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.add(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.add(node.moduleReference.expression.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.add(node.argument.literal.text);
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      found.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found].sort();
}

/**
 * The package a bare specifier names (`kysely/helpers/postgres` → `kysely`,
 * `@scope/name/sub` → `@scope/name`), or `undefined` for a relative or
 * absolute path and for a Node.js built-in module.
 */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
