import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  type IConfigFile,
} from '@microsoft/api-extractor';

/** The folder holding `@types/node`, found from here whatever folder is analysed. */
const NODE_TYPE_ROOT = dirname(
  dirname(createRequire(import.meta.url).resolve('@types/node/package.json')),
);

/** A package whose public API gets a committed report. */
export interface PublishedPackage {
  /** The package's name, `@athena/factory`. */
  readonly name: string;
  /** The package's folder, absolute. */
  readonly folder: string;
  /** The bundled declaration file its `types` names, absolute. */
  readonly types: string;
}

/** What checking one package's API report found. */
export interface ApiReportResult {
  /** The package's name. */
  readonly name: string;
  /** The committed report, absolute: `<folder>/etc/<unscoped name>.api.md`. */
  readonly report: string;
  /** The report no longer matched the package's API (rewritten in local mode). */
  readonly changed: boolean;
  /** API Extractor's errors: the report could not be produced. */
  readonly errors: number;
}

/**
 * The packages of the workspace folders under `root` (`packages/*`) that are
 * published: not private, with a `types` entry.
 */
export function findPublishedPackages(root: string, folders = ['packages']): PublishedPackage[] {
  const packages: PublishedPackage[] = [];
  for (const parent of folders) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const folder = join(root, parent, entry.name);
      let manifest: { name?: string; private?: boolean; types?: string };
      try {
        manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (manifest.private === true || !manifest.name || !manifest.types) continue;
      packages.push({ name: manifest.name, folder, types: join(folder, manifest.types) });
    }
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Produces each package's public-API report from its built declarations with
 * API Extractor and compares it with the committed `etc/<name>.api.md`. In
 * local mode (`ci: false`) a changed report is rewritten, so the change shows
 * in review; in CI mode nothing is written and a change is reported.
 *
 * The reports are read from `dist/index.d.ts` as tsup bundles it: API
 * Extractor analyses the one bundled file without trouble, and it is exactly
 * what a consumer compiles against.
 */
export function checkApiReports(
  packages: readonly PublishedPackage[],
  options: { readonly ci: boolean; readonly log?: (line: string) => void },
): ApiReportResult[] {
  const scratch = mkdtempSync(join(tmpdir(), 'athena-api-report-'));
  try {
    return packages.map((pkg) => {
      const reportFolder = join(pkg.folder, 'etc');
      if (!options.ci) mkdirSync(reportFolder, { recursive: true });
      const config = ExtractorConfig.prepare({
        configObject: extractorConfig(pkg, reportFolder, join(scratch, pkg.name)),
        configObjectFullPath: join(pkg.folder, 'api-extractor.json'),
        packageJsonFullPath: join(pkg.folder, 'package.json'),
      });
      mkdirSync(join(scratch, pkg.name), { recursive: true });
      const result = Extractor.invoke(config, {
        localBuild: !options.ci,
        messageCallback: (message) => {
          // Only warnings and errors: the rest is progress on every run.
          const worthTelling =
            message.logLevel === ExtractorLogLevel.Warning ||
            message.logLevel === ExtractorLogLevel.Error;
          if (worthTelling && options.log) options.log(`${pkg.name}: ${message.text}`);
          message.handled = !worthTelling || options.log !== undefined;
        },
      });
      return {
        name: pkg.name,
        report: join(reportFolder, `${unscoped(pkg.name)}.api.md`),
        changed: result.apiReportChanged,
        errors: result.errorCount,
      };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One configuration for every package: the report only, no doc model, no rollup. */
function extractorConfig(
  pkg: PublishedPackage,
  reportFolder: string,
  scratch: string,
): IConfigFile {
  return {
    projectFolder: pkg.folder,
    mainEntryPointFilePath: pkg.types,
    compiler: {
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          // The bundles name `NodeJS.*` and `Buffer`: Node's types from this workspace.
          types: ['node'],
          typeRoots: [NODE_TYPE_ROOT],
        },
        files: [pkg.types],
      },
    },
    apiReport: {
      enabled: true,
      reportFolder,
      reportTempFolder: scratch,
      reportFileName: `${unscoped(pkg.name)}.api.md`,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      extractorMessageReporting: {
        // The packages do not use @public/@beta release tags: every export is public.
        'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
        // A type the API uses but does not export shows in the report, where review sees it.
        'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: true },
      },
      tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
    },
  };
}

function unscoped(name: string): string {
  return name.replace(/^@[^/]+\//, '');
}
