// f64 references the compute tests compare against.
import assert from 'node:assert/strict';

/** The DFT of interleaved complex `x` in f64, scaled by 1/n when `inverse`. */
export function dft(x, inverse = false) {
  const n = x.length / 2;
  const y = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      y[2 * k] += x[2 * t] * Math.cos(a) - x[2 * t + 1] * Math.sin(a);
      y[2 * k + 1] += x[2 * t] * Math.sin(a) + x[2 * t + 1] * Math.cos(a);
    }
  }
  return inverse ? y.map((v) => v / n) : y;
}

/** `got` equals `want` within `tol` of the larger of 1 and `want`'s largest magnitude. */
export function assertClose(got, want, what, tol = 1e-5) {
  assert.equal(got.length, want.length, `${what}: length`);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    worst = Math.max(worst, Math.abs(got[i] - want[i]));
  }
  assert.ok(worst <= tol * scale, `${what}: off by ${worst} (scale ${scale})`);
}
