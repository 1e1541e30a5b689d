/**
 * Imported first by server/main.ts, before Express and Colyseus load: a server started any way
 * (`npm start`, `node dist/server/main.js`, the container, the systemd unit) runs in production
 * mode unless NODE_ENV says otherwise. Express and Colyseus read it for what they tell clients.
 */
process.env.NODE_ENV ||= 'production';
