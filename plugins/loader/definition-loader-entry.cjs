// The definition loader's entry from a checkout, whose loader is TypeScript: started with
// tsx's CommonJS hooks (as the package's loader is), it requires the loader and everything
// it imports through them (loader-process.ts). The package forks definition-loader-child.js itself.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS entry is the point
require('./definition-loader-child.ts');
