// Builds the operator console: its TypeScript compiled by tsc (ES2022 modules, no bundler), and
// its page and style copied beside it. `npm run build` runs it into dist/console, where the API
// serves it from; the browser test builds into a folder of its own: node apps/console/build.js <dir>.
const { execFileSync } = require('node:child_process');
const { copyFileSync, mkdirSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const STATIC_FILES = ['index.html', 'console.css'];

function buildConsole(outDir = resolve(__dirname, '..', '..', 'dist', 'console')) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tsc = require.resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(__dirname, 'tsconfig.json'), '--outDir', outDir], { stdio: 'inherit' });
  for (const file of STATIC_FILES) copyFileSync(join(__dirname, 'src', file), join(outDir, file));
  return outDir;
}

if (require.main === module) buildConsole(process.argv[2] && resolve(process.argv[2]));

module.exports = { buildConsole };
