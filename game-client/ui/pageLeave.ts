/**
 * Leave the room when the page goes away on purpose (tab closed, reload, navigation), so the
 * server frees the player at once instead of keeping a frozen body for the reconnection window.
 * `pagehide` covers closing and navigating (and the back-forward cache); `beforeunload` is the
 * earlier signal on desktop browsers. A dropped network or a phone switching apps fires
 * neither, so real drops keep their seat. Returns the function that stops listening.
 */
export function leaveWhenPageCloses(leaveNow: () => void): () => void {
  const leave = () => leaveNow();
  window.addEventListener('pagehide', leave);
  window.addEventListener('beforeunload', leave);
  return () => {
    window.removeEventListener('pagehide', leave);
    window.removeEventListener('beforeunload', leave);
  };
}
