import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** One test file's outcome in a run, as tools/testRepeat.ts reads it. */
export interface FileOutcome {
  file: string;
  ok: boolean;
  /** Tests and hooks (beforeAll included), plus import: the file's own wall time. */
  durationMs: number;
  /** First line of each failure (a test's, or the file's own when it failed outside a test). */
  errors: string[];
  /**
   * Tests skipped at run time, with their note: the real-time tests skip themselves when the machine
   * was too loaded to run a real-time game, and a series must show how often that happened.
   */
  skipped: string[];
}

/**
 * A vitest reporter that writes each file's outcome to the JSON file named by
 * REPEAT_REPORT_FILE when the run ends (the built-in JSON reporter leaves hook time out).
 */
export default class FileReporter implements Reporter {
  private readonly outcomes: FileOutcome[] = [];

  onTestModuleEnd(module: TestModule): void {
    const d = module.diagnostic();
    const errors: string[] = [];
    const skipped: string[] = [];
    for (const test of module.children.allTests()) {
      const r = test.result();
      if (r.state === 'failed') errors.push(`${test.fullName}: ${firstLine(r.errors?.[0]?.message)}`);
      if (r.state === 'skipped') skipped.push(`${test.fullName}: ${firstLine(r.note)}`);
    }
    for (const e of module.errors()) errors.push(firstLine(e.message));
    this.outcomes.push({
      file: relative(process.cwd(), module.moduleId),
      ok: module.ok(),
      durationMs: d.duration + d.collectDuration,
      errors,
      skipped,
    });
  }

  onTestRunEnd(): void {
    const out = process.env.REPEAT_REPORT_FILE;
    if (out) writeFileSync(out, JSON.stringify(this.outcomes, null, 2));
  }
}

function firstLine(message: string | undefined): string {
  return (message ?? 'failed').split('\n')[0]!.slice(0, 300);
}
