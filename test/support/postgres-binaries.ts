import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folder of `initdb` on PATH, symlinks resolved (so `postgres` beside it is the same installation). */
function fromPath(): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(folder, 'initdb');
    if (executable(candidate)) return dirname(realpathSync(candidate));
  }
  return undefined;
}

/** `pg_config --bindir`: Debian and Ubuntu keep the server binaries off PATH, under /usr/lib/postgresql/<version>/bin. */
function fromPgConfig(): string | undefined {
  try {
    const folder = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return executable(join(folder, 'initdb')) ? folder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where PostgreSQL's server binaries (initdb, postgres) are, for tests that run a server of their
 * own: PG_BIN when set, else `initdb` on PATH, else `pg_config --bindir`.
 */
export function postgresBinaries(): string {
  const folder = process.env.PG_BIN || fromPath() || fromPgConfig();
  if (!folder) throw new Error('PostgreSQL server binaries not found: put initdb on PATH, install pg_config, or set PG_BIN');
  return folder;
}
