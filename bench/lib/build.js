'use strict';
// Compiles the service exactly as `nest build` does (same tsconfig, tsc, ES2022 CommonJS), into a
// private directory so a bench run never deletes or half-writes the dist/ other people run from.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD_DIR = path.join(ROOT, 'bench', '.build', 'service');

/**
 * `source` is this checkout by default; another one (e.g. `git archive <rev> | tar -x -C dir`, with
 * node_modules linked) gives before/after figures from the same bench.
 */
function buildService(source = ROOT) {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  // --noCheck: emit only. Type checking is `npm run typecheck`'s job; the bench measures the code as it is.
  execFileSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      path.join(source, 'apps/server/tsconfig.app.json'),
      '--outDir',
      BUILD_DIR,
      '--noCheck',
      '--sourceMap',
      'false',
    ],
    { cwd: source, stdio: 'inherit' },
  );
  const main = path.join(BUILD_DIR, 'apps', 'server', 'src', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`build produced no ${main}`);
  const { compilerOptions } = require(path.join(source, 'tsconfig.json'));
  fs.writeFileSync(path.join(BUILD_DIR, 'paths.json'), JSON.stringify(compilerOptions.paths));
  return { buildDir: BUILD_DIR, main, source };
}

/** Node arguments that start the built service (with @app/* resolved inside the build). */
function serviceArgs(build, nodeFlags = []) {
  return [...nodeFlags, '-r', path.join(__dirname, 'register-build-paths.js'), build.main];
}

module.exports = { ROOT, buildService, serviceArgs };
