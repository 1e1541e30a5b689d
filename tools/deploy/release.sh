#!/bin/sh
# The release, built into DEST: what tools/deploy/Dockerfile's build stage runs, and what the
# release test (test/release/release.test.ts) runs, so the image holds what CI tested.
#
#   sh tools/deploy/release.sh DEST
#
# Run from a checkout whose dependencies are installed (npm ci). DEST receives the built client
# and the compiled server (dist/), package.json, package-lock.json and the production
# dependencies only; start it with `node dist/server/main.js` on Node 22.
set -eu
dest=${1:?usage: sh tools/deploy/release.sh DEST}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
npm run build
rm -rf "$dest/dist" "$dest/node_modules"
mkdir -p "$dest/dist"
# The release flavour of the client only (not dist/client-debug), and no build stamps.
cp -R dist/client dist/server dist/shared "$dest/dist/"
cp package.json package-lock.json "$dest/"
cd "$dest"
# Exactly the locked production dependencies, without optional ones: npm would otherwise install
# TypeScript (an optional peer of @colyseus/schema that is also our devDependency); the only
# other is msgpackr's native speed-up, which msgpackr does without (plain JavaScript).
# No install scripts: nothing needs building.
npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error
