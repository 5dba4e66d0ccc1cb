// Prints raw, gzip and brotli sizes of each build's .wasm and fails if the `mt` module does not
// import a shared memory (or the `st` one does).
//   node scripts/wasm-report.mjs dist/pkg
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] ?? 'dist/pkg';

function readLeb(bytes, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[pos++];
    result |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [result >>> 0, pos];
}

/** The limits flags of the module's memory (imported or defined), or null if it has none. */
export function memoryFlags(bytes) {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++];
    let size;
    [size, pos] = readLeb(bytes, pos);
    const end = pos + size;
    if (id === 2) { // imports
      let count, p = pos;
      [count, p] = readLeb(bytes, p);
      for (let i = 0; i < count; i++) {
        for (let s = 0; s < 2; s++) { let len; [len, p] = readLeb(bytes, p); p += len; }
        const kind = bytes[p++];
        if (kind === 0) { [, p] = readLeb(bytes, p); }
        else if (kind === 1) { p++; const f = bytes[p++]; [, p] = readLeb(bytes, p); if (f & 1) [, p] = readLeb(bytes, p); }
        else if (kind === 2) return bytes[p];
        else if (kind === 3) { p += 2; }
        else if (kind === 4) { p++; [, p] = readLeb(bytes, p); }
        else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 5) { // memories
      return bytes[readLeb(bytes, pos)[1]];
    }
    pos = end;
  }
  return null;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
let failed = false;
for (const build of ['st', 'mt']) {
  const file = `${dir}/${build}/katalyst_bg.wasm`;
  if (!existsSync(file)) continue;
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const flags = memoryFlags(bytes);
  const shared = flags !== null && (flags & 2) !== 0;
  console.log(`${build}: ${kib(bytes.length)} raw, ${kib(gz)} gzip, ${kib(br)} brotli; memory ${shared ? 'shared' : 'unshared'} (flags ${flags})`);
  if ((build === 'mt') !== shared) {
    console.error(`error: the ${build} module's memory must be ${build === 'mt' ? 'shared' : 'unshared'}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
