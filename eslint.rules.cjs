// Project lint rules, loaded by eslint.config.mjs and tested in test/unit/lint-rules.spec.ts.
//
// import-boundaries: libraries meet only through their entry points (`@app/<lib>` resolves to
// libs/<lib>/src/index.ts). A deep path (`@app/ledger/src/x`, `../../ledger/src/x`) couples a lib to
// another's internals, and nothing under libs/ may reach into apps/. Tests may reach internals.
const path = require('node:path');

/** `{ area: 'libs' | 'apps', name }` for a file under libs/<name>/ or apps/<name>/, else undefined. */
function placeOf(root, file) {
  const [area, name] = path.relative(root, file).split(path.sep);
  return (area === 'libs' || area === 'apps') && name ? { area, name } : undefined;
}

function boundaryProblem(root, file, source) {
  const from = placeOf(root, file);
  if (!from) return undefined;
  const alias = /^@app\/([^/]+)(\/.*)?$/.exec(source);
  if (alias) {
    if (alias[2]) return `import '@app/${alias[1]}' itself, not a path inside it`;
    if (from.area === 'libs' && alias[1] === from.name)
      return `a lib imports its own files by relative path, not through '@app/${alias[1]}'`;
    return undefined;
  }
  if (!source.startsWith('.')) return undefined;
  const to = placeOf(root, path.resolve(path.dirname(file), source));
  if (!to || (to.area === from.area && to.name === from.name)) return undefined;
  if (to.area === 'apps') return `nothing under libs/ imports apps/ ('${source}')`;
  return `import '@app/${to.name}', not '${source}'`;
}

const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'libs meet only through @app/<lib> entry points; libs never import apps' },
    schema: [],
    messages: { boundary: '{{problem}}' },
  },
  create(context) {
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const problem = boundaryProblem(__dirname, context.filename, source.value);
      if (problem) context.report({ node: source, messageId: 'boundary', data: { problem } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

module.exports = { rules: { 'import-boundaries': importBoundaries } };
