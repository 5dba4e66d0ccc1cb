//! Single-precision general matrix multiply, row-major.

use super::ComputeError;
use rayon::prelude::*;

/// Options of [`sgemm`]: `C = alpha·op(A)·op(B) + beta·C`.
#[derive(Clone, Debug)]
pub struct GemmOptions<'a> {
    /// Use Aᵀ: `a` is stored k×m.
    pub trans_a: bool,
    /// Use Bᵀ: `b` is stored n×k.
    pub trans_b: bool,
    pub alpha: f32,
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

fn checked_len(arg: &'static str, rows: usize, cols: usize) -> Result<usize, ComputeError> {
    for (name, v) in [(arg, rows), (arg, cols)] {
        if v == 0 {
            return Err(ComputeError::BadDimension {
                arg: name,
                actual: v,
            });
        }
    }
    rows.checked_mul(cols)
        .filter(|&n| n <= isize::MAX as usize / 4)
        .ok_or_else(|| ComputeError::TooLarge {
            arg,
            shape: format!("{rows}×{cols}"),
        })
}

fn check(arg: &'static str, buf: &[f32], rows: usize, cols: usize) -> Result<(), ComputeError> {
    let expected = checked_len(arg, rows, cols)?;
    if buf.len() != expected {
        return Err(ComputeError::BadLength {
            arg,
            shape: format!("{rows}×{cols}"),
            expected,
            actual: buf.len(),
        });
    }
    Ok(())
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
    for (arg, v) in [("m", m), ("k", k), ("n", n)] {
        if v == 0 {
            return Err(ComputeError::BadDimension { arg, actual: v });
        }
    }
    let (ar, ac) = if opts.trans_a { (k, m) } else { (m, k) };
    let (br, bc) = if opts.trans_b { (n, k) } else { (k, n) };
    check("a", a, ar, ac)?;
    check("b", b, br, bc)?;
    let mut c = match opts.c {
        Some(c) => {
            check("c", c, m, n)?;
            c.iter().map(|&x| opts.beta * x).collect()
        }
        None => vec![0.0; checked_len("c", m, n)?],
    };
    let a_at = |i: usize, p: usize| {
        if opts.trans_a {
            a[p * m + i]
        } else {
            a[i * k + p]
        }
    };
    let b_at = |p: usize, j: usize| {
        if opts.trans_b {
            b[j * k + p]
        } else {
            b[p * n + j]
        }
    };
    let row = |(i, out): (usize, &mut [f32])| {
        for p in 0..k {
            let s = opts.alpha * a_at(i, p);
            for (j, o) in out.iter_mut().enumerate() {
                *o += s * b_at(p, j);
            }
        }
    };
    if crate::parallel::enabled() && m * n * k >= 1 << 18 {
        c.par_chunks_mut(n).enumerate().for_each(row);
    } else {
        c.chunks_mut(n).enumerate().for_each(row);
    }
    Ok(c)
}
