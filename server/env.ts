/**
 * Reading settings from environment variables, for every part of the server that has some
 * (server/config.ts, server/cluster/config.ts). Its own file so that no settings module has to
 * import another's loader to get it.
 */

/** An integer setting from `min` to `max`; unset or empty gives `fallback`, anything else throws naming the variable. */
export function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}
