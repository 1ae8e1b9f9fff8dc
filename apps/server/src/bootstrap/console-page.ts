import { HttpStatus, type INestApplication, Logger } from '@nestjs/common';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { Request, Response } from 'express';
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemForStatus } from '@app/http';
import { CONSOLE_PATH } from '@app/security';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const INDEX = 'index.html';

const logger = new Logger('Console');

/**
 * Where `npm run build` puts the console: dist/console under the package root (the folder with
 * package.json), which is the same place from the sources and from dist/ (and in the image).
 */
export function defaultConsoleDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'console');
    if (dirname(dir) === dir) return join(from, 'console');
  }
}

/**
 * The operator console: a few static files, read once at boot and served from memory (no path
 * ever reaches the file system, so nothing outside the folder can be asked for). Access and the
 * page's content security policy are the security middleware's (see route-rules, security-headers).
 */
export function mountConsole(app: INestApplication, dir: string): void {
  const files = readConsoleFiles(dir);
  if (!files.has(INDEX)) {
    logger.warn({ msg: 'The console is not built (npm run build builds it): /console answers 404', dir });
    return;
  }
  app.use(CONSOLE_PATH, (req: Request, res: Response) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('Allow', 'GET, HEAD');
      return sendProblem(res, problemForStatus(HttpStatus.METHOD_NOT_ALLOWED, 'The console is read with GET.'));
    }
    const name = req.path === '/' ? INDEX : req.path.slice(1);
    const file = files.get(name);
    if (!file) return sendProblem(res, problemForStatus(HttpStatus.NOT_FOUND, 'No such console file.'));
    // Small files that change with every deploy: revalidate rather than cache a stale script.
    res.status(200).set({ 'Content-Type': file.type, 'Cache-Control': 'no-cache' }).send(file.body);
  });
}

function readConsoleFiles(dir: string): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  if (!existsSync(dir)) return files;
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) files.set(name, { type, body: readFileSync(join(dir, name)) });
  }
  return files;
}

function sendProblem(res: Response, problem: ProblemDocument): void {
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}
