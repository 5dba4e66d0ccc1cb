//! The points prepared once per call: centred (for accuracy of ‖x‖² − 2x·c + ‖c‖²) and packed
//! as GEMM B panels (NR points side by side, d deep).

use crate::compute::matmul::kernel::NR;
use crate::compute::matmul::pack::pack_b;
use crate::compute::matmul::view::MatView;
use crate::compute::{checks, ComputeError};

/// Rows summed in f32 before folding into the f64 mean (keeps the loop vectorisable).
const BLOCK: usize = 256;

pub(crate) struct Points {
    pub n: usize,
    pub d: usize,
    /// Centred points, row-major n×d.
    pub x: Vec<f32>,
    /// The mean that was subtracted.
    pub mean: Vec<f64>,
    /// ⌈n/NR⌉ panels of d·NR floats.
    pub packed: Vec<f32>,
    /// ‖x‖² of each centred point (turns the kernel's ‖c‖² − 2x·c into a distance).
    pub norms: Vec<f32>,
    /// Mean over features of the per-feature variance (scikit-learn's scale for `tol`).
    pub mean_variance: f64,
}

impl Points {
    /// Takes the caller's copy of the points and centres it in place.
    pub fn new(data: Vec<f32>, n: usize, d: usize) -> Result<Self, ComputeError> {
        let mut mean = vec![0.0f64; d];
        let mut block = vec![0.0f32; d];
        for rows in data.chunks(BLOCK * d) {
            block.fill(0.0);
            for row in rows.chunks_exact(d) {
                for (s, &v) in block.iter_mut().zip(row) {
                    *s += v;
                }
            }
            for (m, &s) in mean.iter_mut().zip(&block) {
                *m += s as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mean32: Vec<f32> = mean.iter().map(|&m| m as f32).collect();
        let mut x = data;
        for row in x.chunks_exact_mut(d) {
            for (v, &m) in row.iter_mut().zip(&mean32) {
                *v -= m;
            }
        }
        let panels = n.div_ceil(NR);
        let len = checks::elements("data", panels * NR, d)?;
        let mut packed = checks::filled("data", len, 0.0f32)?;
        let mut norms = vec![0.0f32; panels * NR];
        // Xᵀ as the GEMM B operand: step p of a panel holds feature p of its NR points.
        pack_b(&MatView::new(&x, d, n, true), 0, n, 0, d, &mut packed);
        for (panel, nrm) in packed.chunks_exact(d * NR).zip(norms.chunks_exact_mut(NR)) {
            // Lane-wise (one lane per point) sums of squares over the panel.
            let mut acc = [0.0f32; NR];
            for step in panel.chunks_exact(NR) {
                for (a, &v) in acc.iter_mut().zip(step) {
                    *a += v * v;
                }
            }
            nrm.copy_from_slice(&acc);
        }
        norms.truncate(n);
        let total: f64 = norms.iter().map(|&v| v as f64).sum();
        let mean_variance = total / (n as f64 * d as f64);
        Ok(Points {
            n,
            d,
            x,
            mean,
            packed,
            norms,
            mean_variance,
        })
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    /// The packed panels of points `first .. first + len` (`first` a multiple of NR).
    pub fn panels(&self, first: usize, len: usize) -> &[f32] {
        let panel_len = self.d * NR;
        &self.packed[first / NR * panel_len..][..len.div_ceil(NR) * panel_len]
    }
}

/// ‖a − b‖² in f64.
pub(crate) fn dist2(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let t = x as f64 - y as f64;
            t * t
        })
        .sum()
}
