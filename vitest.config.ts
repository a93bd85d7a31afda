import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The simulated year (test/sim/) is one long file that keeps a core busy for most of the
 * run: started first, it runs beside every other file instead of after them (on a fresh
 * clone Vitest has no timings and would start the largest files first).
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = (f: TestSpecification) => /[\\/]test[\\/]sim[\\/]year\.test\.ts$/.test(f.moduleId);
    return [...sorted.filter(long), ...sorted.filter((f) => !long(f))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/repo-guard.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    restoreMocks: true,
    // Interop and CLI tests spawn real processes; two workers match the 2-core machines.
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest.json' }]],
  },
});
