// Prints vitest's totals as one plain line ("N passed, N failed, N skipped") for CI logs.
// In CI (CI set), a skipped or todo test fails the run: a green run must have tested everything.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('test-artifacts/vitest.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (process.env.CI && skipped > 0) {
  const names = report.testResults.flatMap((file) =>
    file.assertionResults.filter((t) => t.status === 'pending' || t.status === 'todo' || t.status === 'skipped').map((t) => `  ${file.name}: ${t.fullName}`),
  );
  console.error(`CI: ${skipped} test(s) skipped or todo; every test must run in CI:\n${names.join('\n')}`);
  process.exitCode = 1;
}
