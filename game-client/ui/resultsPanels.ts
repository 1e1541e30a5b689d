import { ARENA_GAME_ID, BALL_GAME_ID, DEFAULT_GAME_ID } from '../../shared/games/ids.ts';
import { el } from './dom.ts';

/**
 * The results the server keeps, in the lobby (plain DOM, plain fetch: the page's first chunk):
 * the last match's table with each player's rating change, the leaderboards, the player's own
 * recent matches. Every string from the server goes in as text.
 */

interface MatchLine { profileId: string | null; name: string; kills: number; deaths: number; placing: number; ratingBefore: number | null; ratingAfter: number | null }
interface MatchRecord { matchId: string; status: string; endReason: string | null; durationMs: number; lines: MatchLine[] }
interface BoardEntry { rank: number; profileId: string; name: string; score: number }
interface BoardPage { entries: BoardEntry[]; own: BoardEntry | null }
interface PlayerMatch { matchId: string; endedAt: number | null; endReason: string | null; kills: number; deaths: number; placing: number; ratingBefore: number | null; ratingAfter: number | null }

/** The results screen polls this long for the record (it is written off the game's tick). */
const RESULTS_WAIT_MS = 15_000;
const RESULTS_POLL_MS = 500;
const HISTORY_SIZE = 5;
const BOARD_SIZE = 10;
/** The games with boards, as the lobby names them (each game is rated on its own scale). */
const GAME_LABELS: Readonly<Record<string, string>> = { [ARENA_GAME_ID]: 'Arena', [BALL_GAME_ID]: 'Ball' };

/** A game's name for people (its id when this client does not know it). */
export function gameLabel(game: string): string {
  return GAME_LABELS[game] ?? game;
}

async function getJson<T>(path: string): Promise<T | undefined> {
  try {
    const res = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'omit' });
    return res.ok ? (await res.json()) as T : undefined;
  } catch {
    return undefined;
  }
}

const fmt = (r: number) => r.toFixed(1);
function change(before: number | null, after: number | null): string {
  if (before === null || after === null) return '–';
  const d = after - before;
  return `${fmt(after)} (${d >= 0 ? '+' : ''}${d.toFixed(1)})`;
}

function table(head: string[], rows: Array<{ cells: string[]; self?: boolean }>, id: string): HTMLTableElement {
  return el('table', { className: 'results-table', id },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', { className: r.self ? 'self' : '' }, ...r.cells.map((c) => el('td', {}, c))))));
}

/** The results screen: the ended match's table (placing, name, kills, deaths, rating and its change). */
export function resultsPanel(matchId: string, selfId: string | undefined): HTMLElement {
  const box = el('section', { className: 'results', id: 'match-results' }, el('h2', {}, 'Match results'), el('p', { className: 'sub' }, 'Saving the results…'));
  const deadline = Date.now() + RESULTS_WAIT_MS;
  const poll = async () => {
    const m = await getJson<MatchRecord>(`/api/matches/${encodeURIComponent(matchId)}`);
    if (m?.status === 'ended') {
      box.replaceChildren(el('h2', {}, 'Match results'), table(['#', 'Player', 'Kills', 'Deaths', 'Rating'],
        m.lines.map((l) => ({ cells: [String(l.placing), l.name, String(l.kills), String(l.deaths), change(l.ratingBefore, l.ratingAfter)], self: l.profileId === selfId })), 'results-table'));
      return;
    }
    if (Date.now() < deadline && box.isConnected !== false) setTimeout(poll, RESULTS_POLL_MS);
    else box.replaceChildren(el('h2', {}, 'Match results'), el('p', { className: 'sub' }, 'The results are not available yet.'));
  };
  void poll();
  return box;
}

/** Leaderboards: per game, rating or points (kills; goals in the ball game), all time or this week, with the player's own rank below. */
export function leaderboardPanel(selfId: string | undefined): HTMLElement {
  const body = el('div', { id: 'leaderboard-body' });
  let game = DEFAULT_GAME_ID;
  let board = 'rating';
  let period = 'all';
  const games = el('select', { id: 'leaderboard-game', ariaLabel: 'Game' }, ...Object.keys(GAME_LABELS).map((g) => el('option', { value: g }, gameLabel(g))));
  games.value = game;
  games.addEventListener('change', () => { game = games.value; void load(); });
  const heading = (b: string) => (b === 'rating' ? 'Rating' : game === BALL_GAME_ID ? 'Goals' : 'Kills');
  const tabs = ([['rating', 'all'], ['rating', 'week'], ['kills', 'all'], ['kills', 'week']] as const).map(([b, p]) => {
    const button = el('button', { type: 'button', className: 'tab' });
    button.dataset.board = `${b}-${p}`;
    button.addEventListener('click', () => { board = b; period = p; void load(); });
    return { button, label: () => `${heading(b)}${p === 'week' ? ' (week)' : ''}` };
  });
  const load = async () => {
    for (const t of tabs) {
      t.button.textContent = t.label();
      t.button.classList.toggle('active', t.button.dataset.board === `${board}-${period}`);
    }
    const me = selfId ? `&me=${encodeURIComponent(selfId)}` : '';
    const page = await getJson<BoardPage>(`/api/leaderboard?game=${encodeURIComponent(game)}&board=${board}&period=${period}&limit=${BOARD_SIZE}${me}`);
    if (page === undefined) return void body.replaceChildren(el('p', { className: 'sub' }, 'Leaderboard unavailable.'));
    if (page.entries.length === 0) return void body.replaceChildren(el('p', { className: 'sub' }, 'Nobody on this board yet.'));
    const score = (e: BoardEntry) => (board === 'rating' ? fmt(e.score) : String(e.score));
    const rows = page.entries.map((e) => ({ cells: [String(e.rank), e.name, score(e)], self: e.profileId === selfId }));
    const own = page.own !== null && !page.entries.some((e) => e.profileId === selfId) ? el('p', { className: 'sub own-rank' }, `You: #${page.own.rank} (${score(page.own)})`) : '';
    body.replaceChildren(table(['#', 'Player', heading(board)], rows, 'leaderboard-table'), own);
  };
  void load();
  return el('section', { className: 'results', id: 'leaderboard' }, el('h2', {}, 'Leaderboard'), el('div', { className: 'row tabs' }, games, ...tabs.map((t) => t.button)), body);
}

/** The player's own recent matches. */
export function historyPanel(selfId: string): HTMLElement {
  const body = el('div', {});
  void getJson<{ matches: PlayerMatch[] }>(`/api/players/${encodeURIComponent(selfId)}/matches?limit=${HISTORY_SIZE}`).then((page) => {
    if (page === undefined || page.matches.length === 0) return void body.replaceChildren(el('p', { className: 'sub' }, 'No matches yet.'));
    body.replaceChildren(table(['When', 'Place', 'K/D', 'Rating'], page.matches.map((m) => ({
      cells: [m.endedAt === null ? '–' : new Date(m.endedAt).toLocaleString(), m.endReason === 'interrupted' ? 'interrupted' : String(m.placing), `${m.kills}/${m.deaths}`, change(m.ratingBefore, m.ratingAfter)],
    })), 'history-table'));
  });
  return el('section', { className: 'results', id: 'my-matches' }, el('h2', {}, 'Your recent matches'), body);
}
