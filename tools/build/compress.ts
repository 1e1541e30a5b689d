import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** Text files worth compressing. Source maps are not served (server/http/clientAssets.ts). */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|wasm)$/;
/** Below this a compressed copy saves next to nothing (the page itself, ~450 bytes, still gains ~200). */
const MIN_BYTES = 256;

export interface Compressed {
  file: string;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? files(abs) : [abs];
  });
}

/**
 * Write `name.br` (brotli, maximum quality) and `name.gz` (gzip -9) next to every compressible
 * file of a build, once at build time, so the server never compresses per request (the client
 * is ~1.4 MB of JavaScript, and brotli at quality 11 takes seconds). A copy is kept only when it
 * is smaller. The server picks one by Accept-Encoding.
 */
export async function precompress(dir: string): Promise<Compressed[]> {
  const targets = files(dir).filter((f) => COMPRESSIBLE.test(f) && statSync(f).size >= MIN_BYTES);
  // zlib's async calls run on libuv's thread pool: the files compress in parallel.
  return Promise.all(targets.map(async (file) => {
    const source = readFileSync(file);
    const [br, gz] = await Promise.all([
      brotli(source, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length } }),
      gzip(source, { level: zlib.constants.Z_BEST_COMPRESSION }),
    ]);
    if (br.length < source.length) writeFileSync(`${file}.br`, br);
    if (gz.length < source.length) writeFileSync(`${file}.gz`, gz);
    return { file: path.relative(dir, file), bytes: source.length, brotliBytes: br.length, gzipBytes: gz.length };
  }));
}
