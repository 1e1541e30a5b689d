/** Where the game server is. The browser client is served by the game server, so: same origin. */
export function sameOriginEndpoint(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'https' : 'http'}://${location.host}`;
}
