import type { Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';

/**
 * Every link target of a Markdown document: links, images, link reference
 * definitions and `href`/`src` attributes of inline HTML. Code blocks and
 * code spans are not links.
 *
 * @example
 * ```ts
 * markdownLinks('See [the CLI](../../apps/cli/README.md).'); // ['../../apps/cli/README.md']
 * ```
 */
export function markdownLinks(markdown: string): string[] {
  const links: string[] = [];
  const visit = (node: Nodes): void => {
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') {
      links.push(node.url);
    } else if (node.type === 'html') {
      for (const match of node.value.matchAll(/\b(?:href|src)\s*=\s*["']([^"']*)["']/g)) {
        links.push(match[1] ?? '');
      }
    }
    if ('children' in node) for (const child of node.children) visit(child);
  };
  visit(fromMarkdown(markdown));
  return links;
}

/**
 * Whether a link still works on the registry's page of a package: an
 * absolute `https:`/`http:`/`mailto:` URL or an anchor in the page itself.
 * A relative path resolves against the registry, not the repository.
 */
export function worksOnRegistryPage(url: string): boolean {
  return /^(https?:\/\/|mailto:|#)/.test(url);
}
