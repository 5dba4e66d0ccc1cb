/** Options of {@link sgemm}: `C = alpha·op(A)·op(B) + beta·C`. */
export interface GemmOptions {
  /** Use Aᵀ (`a` is stored k×m). */
  transA?: boolean;
  /** Use Bᵀ (`b` is stored n×k). */
  transB?: boolean;
  alpha?: number;
  beta?: number;
  /** The input C (m×n); absent means zeros. */
  c?: Float32Array;
}

/**
 * Row-major single-precision matrix product `alpha·op(A)·op(B) + beta·C` (m×n result).
 * @example
 * sgemm(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6]), 2, 2, 1); // Float32Array [17, 39]
 */
export declare function sgemm(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts?: GemmOptions): Float32Array;
