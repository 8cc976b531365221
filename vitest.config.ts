import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so unit tests need no build step.
const alias = Object.fromEntries(
  ['common', 'core', 'detector', 'alert-sink', 'generator', 'schema-registry', 'blocker', 'soc'].map((name) => [
    `@telfraud/${name}`,
    fileURLToPath(new URL(`./services/${name}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit', include: ['services/*/src/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/scenarios/**/*.test.ts'], environment: 'node',
          // A deadline, not a speed check (benchmarks measure speed): simulation-sized tests must
          // not fail because CI's 2 cores are busy with something else.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
          // Integration files share one local stack and fixed service ports: one file at a time.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        // Fault injection slows and breaks the shared broker while it runs: its own project and target.
        resolve: { alias },
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 240_000,
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
