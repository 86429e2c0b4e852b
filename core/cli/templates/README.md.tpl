# {{name}}

Experiments for [Athanor](node_modules/athanor/README.md), a notebook-style workbench
for running experiments from TypeScript code.

```sh
npm install
npx athanor dev     # the workbench on http://127.0.0.1:4000
npm test            # the experiments' tests (node:test + athanor/testing)
```

- `experiments/` holds the experiments: each module exports `experiment()` and `run(ctx)`.
- `test/` holds their tests: `runExperiment()` runs one in memory and returns its status,
  logs and results.
- `.athanor/` is created by `athanor dev`: the embedded database with your runs.
