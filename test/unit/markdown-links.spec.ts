import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { anchors, deadLinks, linkTargets, markdownFiles, slug } from './markdown-links';

const ROOT = join(__dirname, '..', '..');

describe('Markdown links in the repository', () => {
  const files = markdownFiles(ROOT);

  it('finds the README and the docs', () => {
    expect(files).toContain('README.md');
  });

  it.each(files)('%s has no dead relative link or anchor, and none leaving the repository', (file) => {
    expect(deadLinks(ROOT, file)).toEqual([]);
  });
});

describe('the link checker', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'md-links-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('slugs headings as GitHub does', () => {
    expect(slug('Signed webhooks (`WEBHOOK_SECRET`)')).toBe('signed-webhooks-webhook_secret');
    expect(slug('Deploy with Docker Compose')).toBe('deploy-with-docker-compose');
    expect(slug('Hot account — one merchant')).toBe('hot-account--one-merchant');
    expect(slug('[API](api.md) & errors!')).toBe('api--errors');
  });

  it('numbers repeated headings and ignores headings inside code', () => {
    const found = anchors('# Runbook\n## Steps\n## Steps\n```\n# not a heading\n```\n<a id="custom"></a>\n');
    expect([...found].sort()).toEqual(['custom', 'runbook', 'steps', 'steps-1']);
  });

  it('ignores links inside code and keeps external ones out of the check', () => {
    expect(linkTargets('`[a](gone.md)`\n```\n[b](gone.md)\n```\n[c](https://example.com) [d](x.md#y)\n[e]: ref.md')).toEqual([
      'https://example.com',
      'x.md#y',
      'ref.md',
    ]);
  });

  it('reports a missing file, a missing anchor and a link leaving the repository', () => {
    write(
      'docs/a.md',
      '# A\n## Known\n[ok](../README.md#top) [self](#known) [gone](b.md) [anchor](#unknown) [out](../../elsewhere/X.md)\n',
    );
    write('README.md', '# Top\n');
    expect(deadLinks(root, 'docs/a.md').map((d) => [d.target, d.reason])).toEqual([
      ['b.md', 'no such file'],
      ['#unknown', 'no heading or id "unknown"'],
      ['../../elsewhere/X.md', 'points outside the repository'],
    ]);
  });

  it('skips dependencies, builds and pending fragments', () => {
    write('README.md', '');
    write('node_modules/x/README.md', '');
    write('docs/_pending/x.md', '');
    write('docs/api.md', '');
    expect(markdownFiles(root)).toEqual(['README.md', 'docs/api.md']);
  });
});
