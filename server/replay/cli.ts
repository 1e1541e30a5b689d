import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GAMES } from '../../shared/games/catalog.ts';
import { parseReplay, type ReplayHeader } from '../../shared/replay/format.ts';
import { resimulate } from '../../shared/replay/resimulate.ts';

/**
 * `npm run replay -- FILE [--json]`: re-simulate a recorded room with the shared simulation
 * and check it reproduces the recorded checksums and final world hash. Exit code 0 when it
 * does, 1 when it diverges (the first divergent checkpoint is printed), 2 on a bad file.
 */
function main(): number {
  const { values, positionals } = parseArgs({ options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
  const file = positionals[0];
  if (file === undefined) {
    process.stderr.write('usage: npm run replay -- FILE [--json]\n');
    return 2;
  }
  let result;
  try {
    const lines = parseReplay(readFileSync(file, 'utf8'));
    const header = (lines[0] as ['h', ReplayHeader])[1];
    const game = GAMES.find((g) => g.id === header.game);
    if (game === undefined) throw new Error(`the replay is of game ${header.game}, which this server does not have (${GAMES.map((g) => g.id).join(', ')})`);
    result = resimulate(lines, game);
  } catch (err) {
    process.stderr.write(`replay: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const h = result.header;
    const lines = [
      `game ${h.game}  room ${h.roomId}  map ${h.mapId}  seed ${h.seed}  recorded ${h.startedAt}`,
      `ticks ${result.ticks}  players ${result.players}  inputs ${result.inputs}`,
      `checksums verified ${result.checksumsVerified} (every ${h.checksumEvery} ticks)`,
      `final world hash ${result.finalHash}${result.recordedFinalHash === undefined ? ' (the file has no final hash: the room did not close cleanly)' : `, recorded ${result.recordedFinalHash}`}`,
    ];
    if (result.divergence) {
      const d = result.divergence;
      lines.push(`DIVERGED: first at tick ${d.tick} (checksum ${d.actual}, recorded ${d.expected}); the last matching checkpoint was tick ${d.lastGoodTick}`);
    } else {
      lines.push(result.reproduced ? 'reproduced: yes' : 'reproduced: NO');
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return result.reproduced ? 0 : 1;
}

process.exitCode = main();
