import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the run's closing line, `N passed, N failed`, after vitest's own summary. A step that did
 * not run because setup failed (the bot or the Playground did not start) counts as failed.
 */
export default class ClosingLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    for (const module of testModules) {
      const moduleFailed = module.state() === 'failed';
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed' || moduleFailed) failed++;
      }
      if (moduleFailed && passed + failed === 0) failed++;
    }
    const extra = unhandledErrors.length ? ` (${unhandledErrors.length} unhandled error${unhandledErrors.length === 1 ? '' : 's'})` : '';
    console.log(`\n${passed} passed, ${failed} failed${extra}`);
  }
}
