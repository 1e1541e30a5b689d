import './nodeWebSocket.ts';
import { writeFileSync } from 'node:fs';
import { runBots, type Progress } from './coordinator.ts';
import { parseCli, USAGE, UsageError } from './options.ts';
import { formatReport } from './report.ts';

/** `npm run bots`: headless players for load tests. See README "Bots and load tests". */

const PLAIN_PROGRESS_EVERY_S = 5;

function progressText(p: Progress): string {
  return `elapsed ${p.elapsedS.toFixed(0)}s  connected ${p.connected}/${p.target}  joins/s ${p.joinsPerSec.toFixed(1)}  errors ${p.errors}` +
    `  down ${p.downKbps.toFixed(0)} kbps  up ${p.upKbps.toFixed(0)} kbps  rtt p50 ${p.rttMsP50.toFixed(1)} ms` +
    (p.generatorLagMsP99 > 50 ? `  (generator lag p99 ${p.generatorLagMsP99.toFixed(0)} ms)` : '');
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const tty = process.stdout.isTTY === true;
  let lastPlainS = -Infinity;
  const onProgress = (p: Progress) => {
    if (tty) {
      process.stdout.write(`\r\x1b[2K${progressText(p)}`);
    } else if (p.elapsedS - lastPlainS >= PLAIN_PROGRESS_EVERY_S) {
      lastPlainS = p.elapsedS;
      process.stdout.write(`${progressText(p)}\n`);
    }
  };

  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\n${signal}: stopping bots (Ctrl-C again to quit at once)…\n`);
    abort.abort(signal === 'SIGINT' ? 'SIGINT' : 'aborted');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const o = options.run;
  process.stdout.write(`Bots: ${o.rooms * o.perRoom} (${o.full} full) into ${o.rooms} room(s) of ${o.perRoom} at ${o.url}, ${o.behaviour}, ${o.durationS} s${o.rampS ? `, ramp ${o.rampS} s` : ''}\n`);
  const report = await runBots(o, { signal: abort.signal, onProgress });
  if (tty) process.stdout.write('\n');
  process.stdout.write(`\n${formatReport(report)}\n`);
  if (options.jsonPath) {
    writeFileSync(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`report written to ${options.jsonPath}\n`);
  }
  // Exit code 1 only when nothing worked; partial results are in the report.
  return report.full.joined + report.light.joined === 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`bots failed: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
