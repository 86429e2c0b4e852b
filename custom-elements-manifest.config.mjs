// The custom elements manifest (custom-elements.json) that describes ui/'s elements to
// editors, docs and other tools: `npm run manifest` regenerates it from the sources.

/**
 * The analyzer reads Lit's `static properties` but lists `{state: true}` and
 * `{attribute: false}` ones as attributes too: drop those, they are internal.
 */
function litInternalState() {
  const internal = new Map(); // class name → its internal property names
  return {
    name: 'athanor-lit-internal-state',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        if (!ts.isPropertyDeclaration(member) || member.name.getText() !== 'properties') continue;
        if (!member.initializer || !ts.isObjectLiteralExpression(member.initializer)) continue;
        for (const property of member.initializer.properties) {
          if (!ts.isPropertyAssignment(property) || !/\b(state:\s*true|attribute:\s*false)/.test(property.initializer.getText())) continue;
          const names = internal.get(node.name.getText()) ?? new Set();
          names.add(property.name.getText().replace(/['"]/g, ''));
          internal.set(node.name.getText(), names);
        }
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          const names = internal.get(declaration.name);
          if (!names) continue;
          declaration.attributes = (declaration.attributes ?? []).filter((a) => !names.has(a.fieldName ?? a.name));
          for (const member of declaration.members ?? []) if (names.has(member.name)) member.privacy = 'private';
        }
      }
    },
  };
}

export default {
  globs: ['ui/elements/*.ts', 'ui/app/athanor-app.ts'],
  outdir: '.',
  litelement: true,
  packagejson: true,
  plugins: [litInternalState()],
};
