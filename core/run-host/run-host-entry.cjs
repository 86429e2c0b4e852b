// The run host's entry from a checkout, whose host is TypeScript: started with tsx's
// CommonJS hooks (as the package's host is), it requires the host and everything it
// imports through them, so experiments load here as they do from the package
// (load-experiment.ts). The package forks run-host-entry.js itself.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS entry is the point
require('./run-host-entry.ts');
