/**
 * Poll `check` until it returns a truthy value, at most `timeoutMs`; throws with `what` on timeout,
 * followed by `describe()` when given (the state that kept the wait going, for the failure report).
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 5000, intervalMs = 20, describe }: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) {
      const state = describe === undefined ? '' : `: ${describe()}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${attempt + 1} checks)${state}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
