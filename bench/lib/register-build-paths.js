'use strict';
// Preloaded into the built service: resolves the @app/* aliases of tsconfig.json inside the bench build
// (what the Nest CLI does by rewriting imports at build time).
const path = require('node:path');

const buildDir = path.join(__dirname, '..', '.build', 'service');
require('tsconfig-paths').register({ baseUrl: buildDir, paths: require(path.join(buildDir, 'paths.json')) });
