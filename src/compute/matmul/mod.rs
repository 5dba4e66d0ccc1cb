//! Single-precision general matrix multiply, row-major, BLIS-style: packed panels, a
//! register-blocked micro-kernel (SIMD128 on wasm), L1/L2 cache blocking and a 2-D split of C
//! across threads.
//!
//! Files: `view` (strided operands), `pack` / `pack_simd128` (panel packing), `kernel` / `kernel_simd128`
//! (micro-kernels), `blocking` (the loop nest), `partition` (threads), `packed_matrix`
//! (reusable packed B).

mod blocking;
pub(crate) mod kernel;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod kernel_simd128;
pub(crate) mod pack;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod pack_simd128;
mod packed_matrix;
mod partition;
pub(crate) mod view;

use super::{checks, ComputeError};
pub use packed_matrix::PackedMatrix;

/// Options of [`sgemm`]: `C = alpha·op(A)·op(B) + beta·C`.
///
/// ```
/// use katalyst::compute::GemmOptions;
/// let o = GemmOptions { trans_b: true, ..Default::default() };
/// assert_eq!((o.alpha, o.beta), (1.0, 0.0));
/// ```
#[derive(Clone, Debug)]
pub struct GemmOptions<'a> {
    /// Use Aᵀ: `a` is stored k×m.
    pub trans_a: bool,
    /// Use Bᵀ: `b` is stored n×k.
    pub trans_b: bool,
    /// Scale of the product.
    pub alpha: f32,
    /// Scale of the input C; with `beta == 0` C is not read (BLAS semantics).
    pub beta: f32,
    /// The input C (m×n); absent means zeros.
    pub c: Option<&'a [f32]>,
}

impl Default for GemmOptions<'_> {
    fn default() -> Self {
        GemmOptions {
            trans_a: false,
            trans_b: false,
            alpha: 1.0,
            beta: 0.0,
            c: None,
        }
    }
}

/// Options of [`PackedMatrix::multiply`]: like [`GemmOptions`] without `trans_b` (fixed at packing).
///
/// ```
/// use katalyst::compute::MultiplyOptions;
/// assert_eq!(MultiplyOptions::default().alpha, 1.0);
/// ```
#[derive(Clone, Debug)]
pub struct MultiplyOptions<'a> {
    /// Use Aᵀ: `a` is stored k×m.
    pub trans_a: bool,
    /// Scale of the product.
    pub alpha: f32,
    /// Scale of the input C; with `beta == 0` C is not read.
    pub beta: f32,
    /// The input C (m×n); absent means zeros.
    pub c: Option<&'a [f32]>,
}

impl Default for MultiplyOptions<'_> {
    fn default() -> Self {
        MultiplyOptions {
            trans_a: false,
            alpha: 1.0,
            beta: 0.0,
            c: None,
        }
    }
}

/// Computes `alpha·op(A)·op(B) + beta·C` for row-major `op(A)`: m×k and `op(B)`: k×n.
///
/// ```
/// use katalyst::compute::{sgemm, GemmOptions};
/// // [1 2; 3 4] · [5; 6]
/// let c = sgemm(&[1.0, 2.0, 3.0, 4.0], &[5.0, 6.0], 2, 2, 1, &GemmOptions::default()).unwrap();
/// assert_eq!(c, vec![17.0, 39.0]);
/// ```
pub fn sgemm(
    a: &[f32],
    b: &[f32],
    m: usize,
    k: usize,
    n: usize,
    opts: &GemmOptions,
) -> Result<Vec<f32>, ComputeError> {
    checks::dim("m", m)?;
    checks::dim("k", k)?;
    checks::dim("n", n)?;
    let (ar, ac) = if opts.trans_a { (k, m) } else { (m, k) };
    checks::shape("a", a.len(), ar, ac)?;
    let packed = PackedMatrix::new(b, k, n, opts.trans_b)?;
    packed.multiply(
        a,
        m,
        &MultiplyOptions {
            trans_a: opts.trans_a,
            alpha: opts.alpha,
            beta: opts.beta,
            c: opts.c,
        },
    )
}
