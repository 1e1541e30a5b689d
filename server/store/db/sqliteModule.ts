/**
 * Node 22's built-in `node:sqlite`, loaded without its one-time "SQLite is an experimental
 * feature" warning: every `npm start` (and every test server) printed it, and an operator cannot act
 * on it. Only that warning is dropped, and only while the module loads; the store documents that it
 * runs on the built-in module (docs/RESULTS.md).
 */
const SQLITE_WARNING = 'SQLite is an experimental feature';
const emitWarning = process.emitWarning;
process.emitWarning = function quiet(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (text.includes(SQLITE_WARNING)) return;
  (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
} as typeof process.emitWarning;
let sqlite: typeof import('node:sqlite');
try {
  sqlite = await import('node:sqlite');
} finally {
  process.emitWarning = emitWarning;
}
export const { DatabaseSync } = sqlite;
export type DatabaseSync = import('node:sqlite').DatabaseSync;
export type SQLInputValue = import('node:sqlite').SQLInputValue;
