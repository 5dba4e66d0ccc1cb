//! The BLIS loop nest over one rectangular region of C: NC column blocks → KC depth blocks →
//! MC row blocks (A packed here, kept in L2) → NR column panels (B panel stays in L1) → MR
//! row panels (the micro-kernel).

use super::kernel::{self, TileDst, MR, NR};
use super::pack::pack_a;
use super::packed_matrix::PackedMatrix;
use super::view::MatView;

/// Depth of a block: a KC×NR B panel (8 KiB) sits in L1 while A panels stream past it.
pub(crate) const KC: usize = 256;
/// Rows of a packed A block: MC×KC floats (160 KiB) stay in L2.
pub(crate) const MC: usize = 40 * MR;
/// Columns of a packed B block (2 MiB at KC deep), sized for the last-level cache.
pub(crate) const NC: usize = 256 * NR;

/// A rectangle of C in global coordinates; `c0` is a multiple of NR.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Region {
    pub r0: usize,
    pub r1: usize,
    pub c0: usize,
    pub c1: usize,
}

/// Where the region's values live: global `(i, j)` is `data[(i - row0)·ldc + (j - col0)]`.
pub(crate) struct Out<'a> {
    pub data: &'a mut [f32],
    pub ldc: usize,
    pub row0: usize,
    pub col0: usize,
}

/// A scratch buffer large enough for one packed A block.
pub(crate) fn a_scratch(m: usize, k: usize) -> Vec<f32> {
    vec![0.0; MC.min(m).div_ceil(MR) * MR * KC.min(k)]
}

/// `C[region] += alpha · op(A)[rows, :] · B[:, cols]`.
pub(crate) fn multiply_region(
    a: &MatView,
    b: &PackedMatrix,
    alpha: f32,
    out: &mut Out,
    region: Region,
    a_buf: &mut [f32],
) {
    let k = b.k();
    let n = b.n();
    let mut jc = region.c0 - region.c0 % NC;
    while jc < region.c1 {
        let j_lo = region.c0.max(jc);
        let j_hi = region.c1.min(jc + NC).min(n);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            for ic in (region.r0..region.r1).step_by(MC) {
                let mc = MC.min(region.r1 - ic);
                pack_a(a, ic, mc, pc, kc, a_buf);
                for jr in (j_lo..j_hi).step_by(NR) {
                    let b_panel = b.panel(jc, pc, kc, jr);
                    let cols = NR.min(j_hi - jr);
                    for (p, a_panel) in a_buf
                        .chunks_exact(MR * kc)
                        .take(mc.div_ceil(MR))
                        .enumerate()
                    {
                        let ir = ic + p * MR;
                        let dst = TileDst {
                            row: ir - out.row0,
                            col: jr - out.col0,
                            rows: MR.min(region.r1 - ir),
                            cols,
                        };
                        kernel::update(kc, a_panel, b_panel, alpha, out.data, out.ldc, &dst);
                    }
                }
            }
        }
        jc += NC;
    }
}
