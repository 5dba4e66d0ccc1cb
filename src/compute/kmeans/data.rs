//! The points prepared once per call: centred (for accuracy of ‖x‖² − 2x·c + ‖c‖²), their
//! squared norms, and packed as GEMM B panels (NR points side by side, d deep).

use crate::compute::matmul::kernel::NR;
use crate::compute::matmul::pack::pack_b;
use crate::compute::matmul::view::MatView;
use crate::compute::{checks, ComputeError};

pub(crate) struct Points {
    pub n: usize,
    pub d: usize,
    /// Centred points, row-major n×d.
    pub x: Vec<f32>,
    /// The mean that was subtracted.
    pub mean: Vec<f64>,
    /// ‖x_i‖² of the centred points.
    pub norms: Vec<f32>,
    /// ⌈n/NR⌉ panels of d·NR floats.
    pub packed: Vec<f32>,
    /// Mean over features of the per-feature variance (scikit-learn's scale for `tol`).
    pub mean_variance: f64,
}

impl Points {
    pub fn new(data: &[f32], n: usize, d: usize) -> Result<Self, ComputeError> {
        let mut mean = vec![0.0f64; d];
        for row in data.chunks_exact(d) {
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += v as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n as f64);
        let mut x = checks::filled("data", 0, 0.0f32)?;
        x.try_reserve_exact(data.len())
            .map_err(|_| ComputeError::TooLarge {
                arg: "data",
                shape: format!("{n}×{d} centred copy"),
            })?;
        let mut var = vec![0.0f64; d];
        for src in data.chunks_exact(d) {
            for ((&v, &m), s) in src.iter().zip(&mean).zip(var.iter_mut()) {
                let c = v as f64 - m;
                x.push(c as f32);
                *s += c * c;
            }
        }
        let mean_variance = var.iter().sum::<f64>() / (n as f64 * d as f64);
        let norms = x
            .chunks_exact(d)
            .map(|r| r.iter().map(|&v| v * v).sum())
            .collect();
        let panels = n.div_ceil(NR);
        let len = checks::elements("data", panels * NR, d)?;
        let mut packed = checks::filled("data", len, 0.0f32)?;
        // Xᵀ (d×n) as the B operand.
        pack_b(&MatView::new(&x, d, n, true), 0, n, 0, d, &mut packed);
        Ok(Points {
            n,
            d,
            x,
            mean,
            norms,
            packed,
            mean_variance,
        })
    }

    pub fn row(&self, i: usize) -> &[f32] {
        &self.x[i * self.d..(i + 1) * self.d]
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

/// ‖a − b‖² in f32 (hot loops of the seeding).
pub(crate) fn dist2_f32(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            let t = x - y;
            t * t
        })
        .sum()
}
