import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import GithubSlugger from 'github-slugger';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import { visit } from 'unist-util-visit';

/**
 * Links to this repository on GitHub: the published package READMEs use them
 * (a relative link breaks on npm), so they are checked as repository paths.
 */
const REPOSITORY_URL =
  /^https:\/\/github\.com\/athena-memory\/athena\/(?:blob|tree)\/main\/([^?#]*)(#.*)?$/;
/** A scheme (`https:`, `mailto:`) or a protocol-relative `//host`: never fetched. */
const EXTERNAL_URL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;
/** The `id` or `name` of an HTML element written in the Markdown, another anchor target. */
const HTML_ANCHOR = /\s(?:id|name)\s*=\s*["']([^"']+)["']/gi;
/** Folders that hold no Markdown of ours, or only generated Markdown. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.git', '.turbo', '.changeset']);
/** Generated output under the repository root, skipped by path. */
const SKIPPED_PATHS = ['bench/results', 'docs/api'];

/** A link or anchor in a Markdown file that points nowhere. */
export interface LinkProblem {
  /** The Markdown file, relative to the repository root, with `/` separators. */
  readonly file: string;
  /** 1-based line of the link. */
  readonly line: number;
  /** The link as written. */
  readonly url: string;
  /** Why it is broken, one line. */
  readonly reason: string;
}

/**
 * Every Markdown file of the repository at `root` that people read: READMEs and
 * docs, not dependencies, build output, changesets or generated reports.
 */
export function findMarkdownFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        const fromRoot = toPosix(relative(root, path));
        if (!SKIPPED_FOLDERS.has(entry.name) && !SKIPPED_PATHS.includes(fromRoot)) walk(path);
      } else if (entry.isFile() && entry.name.endsWith('.md') && !entry.name.endsWith('.api.md')) {
        files.push(path);
      }
    }
  };
  walk(root);
  return files.sort();
}

/**
 * Checks every link and image of the Markdown `files` (absolute paths under
 * `root`): a relative path must name an existing file or folder, and an
 * `#anchor` (in the same file or in `other.md#anchor`) a heading of the target
 * file, by GitHub's slug rules. External links are not fetched; links to this
 * repository on GitHub are checked as repository paths.
 *
 * @example
 * ```ts
 * const problems = checkMarkdownLinks(root, findMarkdownFiles(root));
 * ```
 */
export function checkMarkdownLinks(root: string, files: readonly string[]): LinkProblem[] {
  const anchorsByFile = new Map<string, ReadonlySet<string>>();
  const anchorsOf = (file: string): ReadonlySet<string> => {
    let anchors = anchorsByFile.get(file);
    if (anchors === undefined) {
      anchors = collectAnchors(parse(readFileSync(file, 'utf8')));
      anchorsByFile.set(file, anchors);
    }
    return anchors;
  };

  const problems: LinkProblem[] = [];
  for (const file of files) {
    const tree = parse(readFileSync(file, 'utf8'));
    anchorsByFile.set(file, collectAnchors(tree));
    visit(tree, ['link', 'image', 'definition'], (node) => {
      if (node.type !== 'link' && node.type !== 'image' && node.type !== 'definition') return;
      const reason = checkUrl(root, file, node.url, anchorsOf);
      if (reason !== undefined) {
        problems.push({
          file: toPosix(relative(root, file)),
          line: node.position?.start.line ?? 0,
          url: node.url,
          reason,
        });
      }
    });
  }
  return problems;
}

/** Why `url`, written in `file`, is broken; undefined when it is fine or not ours to check. */
function checkUrl(
  root: string,
  file: string,
  url: string,
  anchorsOf: (file: string) => ReadonlySet<string>,
): string | undefined {
  let target: string;
  let anchor: string | undefined;
  const onGitHub = REPOSITORY_URL.exec(url);
  if (onGitHub !== null) {
    target = resolve(root, decodeURIComponent(onGitHub[1] ?? ''));
    anchor = onGitHub[2]?.slice(1);
  } else if (EXTERNAL_URL.test(url)) {
    return undefined;
  } else {
    const hash = url.indexOf('#');
    const path = decodeURIComponent((hash === -1 ? url : url.slice(0, hash)).split('?')[0] ?? '');
    anchor = hash === -1 ? undefined : url.slice(hash + 1);
    if (path === '') {
      target = file;
    } else {
      target = path.startsWith('/') ? join(root, path) : resolve(dirname(file), path);
    }
  }

  if (!isInside(root, target)) return 'points outside the repository';
  if (!existsSync(target)) return `${toPosix(relative(root, target)) || '.'} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!statSync(target).isFile() || extname(target) !== '.md') return undefined;
  const slug = decodeURIComponent(anchor).toLowerCase();
  if (anchorsOf(target).has(slug)) return undefined;
  return `no heading #${slug} in ${toPosix(relative(root, target))}`;
}

/** The anchors GitHub gives a Markdown file: its heading slugs and HTML ids. */
function collectAnchors(tree: Root): ReadonlySet<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  visit(tree, ['heading', 'html'], (node) => {
    if (node.type === 'heading') anchors.add(slugger.slug(toString(node)));
    if (node.type === 'html') {
      for (const match of node.value.matchAll(HTML_ANCHOR)) {
        if (match[1] !== undefined) anchors.add(match[1].toLowerCase());
      }
    }
  });
  return anchors;
}

function parse(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

function isInside(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === '' || (!fromRoot.startsWith('..') && !fromRoot.startsWith(sep));
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
