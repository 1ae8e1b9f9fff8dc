import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';

/*
 * Relative links and anchors in the repository's Markdown, checked the way GitHub renders them,
 * so a reader never follows a link into nothing or out of the repository.
 */

/** Folders never walked: installed or built files, and doc fragments not yet folded in. */
export const SKIPPED_FOLDERS = ['node_modules', 'dist', 'coverage', '.git', 'bench/.build', 'docs/_pending'];

export interface DeadLink {
  file: string;
  target: string;
  reason: string;
}

/** Every *.md under root, as paths relative to it with forward slashes. */
export function markdownFiles(root: string, folder = ''): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(root, folder))) {
    const path = folder ? `${folder}/${name}` : name;
    if (SKIPPED_FOLDERS.includes(path)) continue;
    if (statSync(join(root, path)).isDirectory()) found.push(...markdownFiles(root, path));
    else if (name.endsWith('.md')) found.push(path);
  }
  return found.sort();
}

/** The text with fenced code blocks and inline code spans blanked: links inside code are not links. */
function withoutCode(markdown: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      lines.push('');
    } else if (marker) {
      fence = marker;
      lines.push('');
    } else lines.push(line.replace(/(`+)[^`]*?\1/g, ''));
  }
  return lines.join('\n');
}

/** Targets of inline links and images, and of reference definitions. */
export function linkTargets(markdown: string): string[] {
  const text = withoutCode(markdown);
  const inline = [...text.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)].map((m) => m[1]);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...references];
}

/** GitHub's heading slug: lower case, punctuation dropped except - and _, each space a -. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text, not its target
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors a Markdown file offers: heading slugs (repeats get -1, -2, …) and explicit ids. */
export function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence ? undefined : marker;
      continue;
    }
    if (fence) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      found.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of line.matchAll(/<a\s[^>]*(?:name|id)="([^"]+)"/g)) found.add(m[1]);
  }
  return found;
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/** Dead links of one file: a missing file, a missing anchor, or a target outside root. */
export function deadLinks(root: string, file: string, read = (path: string) => readFileSync(path, 'utf8')): DeadLink[] {
  const dead: DeadLink[] = [];
  const absolute = join(root, file);
  const markdown = read(absolute);
  for (const target of linkTargets(markdown)) {
    if (target === '' || isExternal(target)) continue;
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = decodeURIComponent(rawPath);
    const resolved = path === '' ? absolute : path.startsWith('/') ? join(root, path) : resolve(dirname(absolute), path);
    const inside = relative(root, resolved);
    if (inside === '..' || inside.startsWith(`..${sep}`) || resolve(root, inside) !== resolved) {
      dead.push({ file, target, reason: 'points outside the repository' });
      continue;
    }
    if (!existsSync(resolved)) {
      dead.push({ file, target, reason: 'no such file' });
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(resolved).isDirectory() || extname(resolved) !== '.md') {
      dead.push({ file, target, reason: 'an anchor into something that is not a Markdown file' });
    } else if (!anchors(read(resolved)).has(decodeURIComponent(anchor))) {
      dead.push({ file, target, reason: `no heading or id "${anchor}"` });
    }
  }
  return dead;
}
