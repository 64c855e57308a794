import type { Reporter, TestModule } from 'vitest/node';

/**
 * SummaryReporter ends a run with one plain line, "<label>: N passed, N failed"
 * (", N skipped" when some were), which CI logs can be read by. A test file
 * that fails outside any test (an import, a hook) counts as a failure.
 */
export class SummaryReporter implements Reporter {
  constructor(private readonly label: string) {}

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of testModules) {
      let moduleFailed = 0;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') moduleFailed += 1;
        else skipped += 1;
      }
      if (moduleFailed === 0 && m.state() === 'failed') moduleFailed = 1;
      failed += moduleFailed;
    }
    console.log(`${this.label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}
