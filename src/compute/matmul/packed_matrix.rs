//! A right-hand operand packed once into micro-kernel panels, reusable across products.

use super::blocking::{KC, NC};
use super::kernel::NR;
use super::pack::pack_b;
use super::view::MatView;
use super::{checks, partition, ComputeError, MultiplyOptions};

/// `op(B)` (k×n) packed into the panel layout of the GEMM micro-kernel, for repeated products
/// `alpha·op(A)·B + beta·C` that skip re-packing B.
///
/// Layout: NC-column blocks, each split into KC-deep blocks, each a run of KC×NR panels
/// (zero-padded to a multiple of NR columns), so block `(jc, pc)` starts at `jc·k + pc·w` with
/// `w` the padded block width.
///
/// ```
/// use katalyst::compute::{PackedMatrix, MultiplyOptions};
/// // B = [1 2; 3 4], reused for two products.
/// let b = PackedMatrix::new(&[1.0, 2.0, 3.0, 4.0], 2, 2, false).unwrap();
/// assert_eq!(b.multiply(&[1.0, 0.0], 1, &MultiplyOptions::default()).unwrap(), vec![1.0, 2.0]);
/// assert_eq!(b.multiply(&[0.0, 1.0], 1, &MultiplyOptions::default()).unwrap(), vec![3.0, 4.0]);
/// ```
#[derive(Clone, Debug)]
pub struct PackedMatrix {
    k: usize,
    n: usize,
    // Shared, so a product can hand B to helper threads without copying it.
    data: std::sync::Arc<Vec<f32>>,
}

impl PackedMatrix {
    /// Packs `b`, stored k×n row-major (or n×k when `trans_b`, meaning `op(B) = Bᵀ`).
    ///
    /// ```
    /// use katalyst::compute::PackedMatrix;
    /// let b = PackedMatrix::new(&[1.0, 2.0, 3.0], 3, 1, false).unwrap();
    /// assert_eq!((b.k(), b.n()), (3, 1));
    /// assert!(PackedMatrix::new(&[1.0], 2, 1, false).is_err());
    /// ```
    pub fn new(b: &[f32], k: usize, n: usize, trans_b: bool) -> Result<Self, ComputeError> {
        checks::dim("k", k)?;
        checks::dim("n", n)?;
        let (rows, cols) = if trans_b { (n, k) } else { (k, n) };
        checks::shape("b", b.len(), rows, cols)?;
        let padded = n.div_ceil(NR) * NR;
        let len = checks::elements("b", k, padded)?;
        let mut data = checks::filled("b", len, 0.0f32)?;
        let view = MatView::new(b, k, n, trans_b);
        for jc in (0..n).step_by(NC) {
            let nc = NC.min(n - jc);
            let width = nc.div_ceil(NR) * NR;
            for pc in (0..k).step_by(KC) {
                let kc = KC.min(k - pc);
                let start = jc * k + pc * width;
                pack_b(&view, jc, nc, pc, kc, &mut data[start..start + kc * width]);
            }
        }
        Ok(PackedMatrix {
            k,
            n,
            data: std::sync::Arc::new(data),
        })
    }

    /// Rows of `op(B)` (the shared dimension).
    ///
    /// ```
    /// let b = katalyst::compute::PackedMatrix::new(&[0.0; 6], 2, 3, false).unwrap();
    /// assert_eq!(b.k(), 2);
    /// ```
    pub fn k(&self) -> usize {
        self.k
    }

    /// Columns of `op(B)` (columns of the product).
    ///
    /// ```
    /// let b = katalyst::compute::PackedMatrix::new(&[0.0; 6], 2, 3, false).unwrap();
    /// assert_eq!(b.n(), 3);
    /// ```
    pub fn n(&self) -> usize {
        self.n
    }

    /// `alpha·op(A)·B + beta·C` for `op(A)` m×k (`a` stored k×m when `opts.trans_a`).
    ///
    /// ```
    /// use katalyst::compute::{PackedMatrix, MultiplyOptions};
    /// let b = PackedMatrix::new(&[2.0, 3.0], 1, 2, false).unwrap();
    /// let c = [1.0, 1.0, 1.0, 1.0];
    /// let opts = MultiplyOptions { alpha: 2.0, beta: 1.0, c: Some(&c), ..Default::default() };
    /// // op(A) = [1; 10] (2×1): C = 2·[2 3; 20 30] + 1
    /// assert_eq!(b.multiply(&[1.0, 10.0], 2, &opts).unwrap(), vec![5.0, 7.0, 41.0, 61.0]);
    /// ```
    pub fn multiply(
        &self,
        a: &[f32],
        m: usize,
        opts: &MultiplyOptions,
    ) -> Result<Vec<f32>, ComputeError> {
        checks::dim("m", m)?;
        let (rows, cols) = if opts.trans_a {
            (self.k, m)
        } else {
            (m, self.k)
        };
        checks::shape("a", a.len(), rows, cols)?;
        let len = checks::elements("c", m, self.n)?;
        let mut c = match opts.c {
            Some(c_in) => {
                checks::shape("c", c_in.len(), m, self.n)?;
                let mut c = checks::filled("c", len, 0.0f32)?;
                if opts.beta != 0.0 {
                    for (o, &x) in c.iter_mut().zip(c_in) {
                        *o = opts.beta * x;
                    }
                }
                c
            }
            None => checks::filled("c", len, 0.0f32)?,
        };
        if opts.alpha != 0.0 {
            let view = MatView::new(a, m, self.k, opts.trans_a);
            partition::run(&view, self, opts.alpha, &mut c, m);
        }
        Ok(c)
    }

    /// The KC×NR panel at columns `jr..jr+NR` of the `(jc, pc)` block.
    #[inline]
    pub(crate) fn panel(&self, jc: usize, pc: usize, kc: usize, jr: usize) -> &[f32] {
        let width = NC.min(self.n - jc).div_ceil(NR) * NR;
        let start = jc * self.k + pc * width + (jr - jc) * kc;
        &self.data[start..start + kc * NR]
    }
}
