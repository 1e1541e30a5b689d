import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_PATCH_INTERVAL_MS, TICK_DT_S, TICK_MS } from '../../shared/limits.ts';
import { normalizeInput, type PlayerInput } from '../../shared/input.ts';
import { getMap } from '../../shared/maps.ts';
import { seedFromString } from '../../shared/rng.ts';
import { stepWorld } from '../../shared/sim/step.ts';
import { addPlayer, createWorld, removePlayer, type World } from '../../shared/sim/world.ts';
import { tickRecorder } from '../../server/observability/tickRecorder.ts';
import { startAgent } from './agent.ts';

/**
 * Baseline 1, "what many people write first": a plain `ws` server running the same shared
 * simulation at the same tick rate (one queued input per player per tick), that broadcasts the
 * FULL state as JSON to everyone at the patch rate. No framework, no deltas, no binary.
 *
 * Protocol (text frames): connect to `/?room=new|<id>&name=<name>` (no room: first with space);
 * server sends {"t":"welcome","id","room"} then {"t":"state",...} every patch, {"t":"pong"} to
 * {"t":"ping"}; clients send {"t":"input",seq,moveX,moveY,aim,fire}.
 */

interface Player { ws: WebSocket; id: string; queue: PlayerInput[] }
interface JsonRoom { id: string; world: World; players: Map<string, Player>; timers: Array<ReturnType<typeof setInterval>> }

const MAX_QUEUED_INPUTS = 16;
/** Room size and map (bench:interest runs it with larger rooms on battle maps). */
const ROOM_SIZE = Number(process.env.BENCH_ROOM_SIZE ?? DEFAULT_MAX_PLAYERS_PER_ROOM);
const MAP = getMap(process.env.BENCH_MAP ?? 'arena');
const rooms = new Map<string, JsonRoom>();
let nextRoom = 1;
let nextPlayer = 1;
const stepInputs = new Map<string, PlayerInput>();

function timed(fn: () => void, phase: 'step' | 'patch'): () => void {
  return () => {
    const t0 = performance.now();
    fn();
    tickRecorder.record(t0, performance.now(), phase);
  };
}

function createRoom(): JsonRoom {
  const id = `R${nextRoom++}`;
  const room: JsonRoom = { id, world: createWorld(MAP, seedFromString(id)), players: new Map(), timers: [] };
  room.timers.push(setInterval(timed(() => step(room), 'step'), TICK_MS));
  room.timers.push(setInterval(timed(() => broadcast(room), 'patch'), DEFAULT_PATCH_INTERVAL_MS));
  rooms.set(id, room);
  return room;
}

function step(room: JsonRoom): void {
  stepInputs.clear();
  for (const p of room.players.values()) {
    const input = p.queue.shift();
    if (input) stepInputs.set(p.id, normalizeInput(input));
  }
  stepWorld(room.world, stepInputs, TICK_DT_S);
}

function broadcast(room: JsonRoom): void {
  const w = room.world;
  const json = JSON.stringify({
    t: 'state',
    tick: w.tick,
    players: [...w.players.values()].map((p) => ({
      id: p.id, name: p.name, x: p.x, y: p.y, vx: p.vx, vy: p.vy, aim: p.aim, hp: p.hp, alive: p.alive,
      kills: p.kills, deaths: p.deaths, lastInputSeq: p.lastInputSeq,
    })),
    projectiles: [...w.projectiles.values()].map((p) => ({ id: p.id, ownerId: p.ownerId, x0: p.x0, y0: p.y0, vx: p.vx, vy: p.vy, spawnTick: p.spawnTick })),
  });
  for (const p of room.players.values()) p.ws.send(json);
}

function closeRoomIfEmpty(room: JsonRoom): void {
  if (room.players.size > 0) return;
  for (const t of room.timers) clearInterval(t);
  rooms.delete(room.id);
}

const httpServer = http.createServer((_req, res) => { res.writeHead(404).end(); });
const wss = new WebSocketServer({ server: httpServer, maxPayload: 2048 });
wss.on('connection', (ws, req) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const wanted = url.searchParams.get('room');
  const name = (url.searchParams.get('name') ?? 'player').slice(0, 16);
  let room: JsonRoom | undefined;
  if (wanted === 'new') room = createRoom();
  else if (wanted) room = rooms.get(wanted);
  else room = [...rooms.values()].find((r) => r.players.size < ROOM_SIZE) ?? createRoom();
  if (!room || room.players.size >= ROOM_SIZE) return ws.close(4004, 'no such room or full');
  const player: Player = { ws, id: `p${nextPlayer++}`, queue: [] };
  const joined = room;
  joined.players.set(player.id, player);
  addPlayer(joined.world, player.id, name);
  ws.send(JSON.stringify({ t: 'welcome', id: player.id, room: joined.id }));
  ws.on('message', (data) => {
    let msg: { t?: string } & Partial<PlayerInput>;
    try {
      msg = JSON.parse(String(data));
    } catch {
      return;
    }
    if (msg.t === 'ping') ws.send('{"t":"pong"}');
    else if (msg.t === 'input' && typeof msg.seq === 'number') {
      if (player.queue.length >= MAX_QUEUED_INPUTS) player.queue.shift();
      player.queue.push({ seq: msg.seq, moveX: Number(msg.moveX) || 0, moveY: Number(msg.moveY) || 0, aim: Number(msg.aim) || 0, fire: msg.fire === true });
    }
  });
  ws.on('close', () => {
    joined.players.delete(player.id);
    removePlayer(joined.world, player.id);
    closeRoomIfEmpty(joined);
  });
});

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
startAgent(
  (httpServer.address() as AddressInfo).port,
  () => ({ ccu: [...rooms.values()].reduce((n, r) => n + r.players.size, 0), rooms: rooms.size }),
  () => new Promise((resolve) => { wss.close(); httpServer.close(() => resolve()); }),
);
