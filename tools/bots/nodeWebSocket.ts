import WebSocket from 'ws';

/**
 * Bots run on the `ws` package rather than Node's built-in WebSocket (undici): the SDK picks
 * `globalThis.WebSocket` when it exists, and undici's costs more CPU per message, which
 * matters when one process plays thousands of clients. Import this before the SDK.
 */
if (process.env.BOTS_WEBSOCKET !== 'builtin') {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}
