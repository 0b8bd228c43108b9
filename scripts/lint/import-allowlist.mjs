// ESLint rule `layers/imports`: every import is checked against the layout table of
// eslint.config.mjs (README "Layout and rules"). Allowlist, not denylist: a file may import
// relatively only into its own layer and the folders its row lists, and by name only the npm
// packages (and, with `node:*`, Node builtins) its row lists; anything else is an error.
import { builtinModules } from 'node:module';
import path from 'node:path';

const BUILTINS = new Set(builtinModules);
const TEST_FILE = /\.test\.[cm]?[jt]sx?$/;

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. */
export function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const inside = (rel, entry) =>
  entry.endsWith('/') ? rel === entry.slice(0, -1) || rel.startsWith(entry) : rel === entry;

/** The row a repo-relative path belongs to: the longest matching path of any row. */
export function layerOf(layers, rel) {
  let best = null;
  let bestLength = -1;
  for (const layer of layers)
    for (const entry of layer.paths)
      if (inside(rel, entry) && entry.length > bestLength) {
        best = layer;
        bestLength = entry.length;
      }
  return best;
}

/** Why `spec` may not be imported from `file`, or null when it may. */
export function refusal({ layers, testPackages, root }, file, spec) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const layer = layerOf(layers, rel);
  if (!layer) return `${rel} is in no row of the layout table (eslint.config.mjs LAYERS)`;
  const allowed = () =>
    `${layer.name} may import ${[...layer.imports, ...layer.packages].join(', ') || 'nothing'}`;
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const target = path
      .relative(root, path.resolve(path.dirname(file), spec))
      .split(path.sep)
      .join('/');
    const ok =
      layer.paths.some((entry) => inside(target, entry)) ||
      layer.imports.some((entry) => inside(target, entry));
    return ok ? null : `'${spec}' (${target}) is outside what ${allowed()}`;
  }
  const isTest = TEST_FILE.test(file);
  const packages = isTest ? [...layer.packages, ...testPackages] : layer.packages;
  if (spec.startsWith('node:') || BUILTINS.has(spec))
    return packages.includes('node:*') ? null : `'${spec}' is a Node builtin; ${allowed()}`;
  return packages.includes(packageName(spec)) ? null : `'${spec}' is not allowed: ${allowed()}`;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports only what the layout table allows for the file’s folder' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: { forbidden: '{{why}} (README "Layout and rules")' },
  },
  create(context) {
    const options = context.options[0];
    const check = (node, source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const why = refusal(options, context.filename, source.value);
      if (why) context.report({ node: source, messageId: 'forbidden', data: { why } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportEqualsDeclaration: (node) =>
        node.moduleReference.type === 'TSExternalModuleReference' &&
        check(node, node.moduleReference.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require')
          check(node, node.arguments[0]);
      },
    };
  },
};

export default { rules: { imports: rule } };
