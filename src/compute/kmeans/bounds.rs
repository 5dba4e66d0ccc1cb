//! Hamerly's bounds (G. Hamerly, "Making k-means even faster", SDM 2010): per point an upper
//! bound on the distance to its own centroid and a lower bound on the distance to every other
//! one. After the centroids move by δⱼ, `upper += δ(own)` and `lower −= max over the others of
//! δⱼ`; a point whose `upper ≤ max(lower, ½·min distance from its centroid to another)` cannot
//! change cluster, so the assignment step skips it. Distances here are plain (not squared) so
//! the triangle inequality applies.

use super::data::dist2;

/// The bounds of one point, as distances (not squared).
#[derive(Clone, Copy, Default)]
pub(crate) struct Bound {
    /// ≥ the distance to the point's own centroid.
    pub upper: f32,
    /// ≤ the distance to any other centroid.
    pub lower: f32,
}

/// How far the centroids moved since the bounds were last made exact.
#[derive(Clone)]
pub(crate) struct Drift {
    /// δⱼ per centroid (rounded up).
    pub moved: Vec<f32>,
    /// The largest δ, the centroid it belongs to, and the second largest.
    pub max: f32,
    pub max_at: usize,
    pub second_max: f32,
}

impl Drift {
    /// δⱼ = ‖new − old‖ per centroid (k×d row-major each).
    pub fn new(old: &[f32], new: &[f32], d: usize) -> Self {
        let moved: Vec<f32> = old
            .chunks_exact(d)
            .zip(new.chunks_exact(d))
            .map(|(a, b)| up(dist2(a, b).sqrt()))
            .collect();
        let (mut max, mut max_at, mut second_max) = (0.0f32, 0usize, 0.0f32);
        for (j, &m) in moved.iter().enumerate() {
            if m > max {
                second_max = max;
                max = m;
                max_at = j;
            } else if m > second_max {
                second_max = m;
            }
        }
        Drift {
            moved,
            max,
            max_at,
            second_max,
        }
    }

    /// Loosens `b` (the bounds of a point in cluster `own`) by the drift.
    #[inline(always)]
    pub fn apply(&self, b: &mut Bound, own: usize) {
        b.upper += self.moved[own];
        b.lower -= if own == self.max_at {
            self.second_max
        } else {
            self.max
        };
    }
}

/// Above this many centroids per point (k² > n) the O(k²·d) separations are not worth
/// computing (they would cost about as much as a plain assignment); 0 is a valid (useless) value.
pub(crate) fn half_separation(cent: &[f32], k: usize, d: usize, n: usize) -> Vec<f32> {
    if k.saturating_mul(k) > n {
        return vec![0.0; k];
    }
    let mut half = vec![f32::INFINITY; k];
    for a in 0..k {
        for b in a + 1..k {
            let s = down(0.5 * dist2(&cent[a * d..(a + 1) * d], &cent[b * d..(b + 1) * d]).sqrt());
            half[a] = half[a].min(s);
            half[b] = half[b].min(s);
        }
    }
    half
}

/// The f32 at or above `v` ≥ 0 (bounds must not shrink when rounded).
fn up(v: f64) -> f32 {
    let f = v as f32;
    if (f as f64) < v {
        // f ≥ 0 and finite here: the next representable value up is the next bit pattern.
        f32::from_bits(f.to_bits() + 1)
    } else {
        f
    }
}

/// The f32 at or below `v` ≥ 0.
fn down(v: f64) -> f32 {
    let f = v as f32;
    if (f as f64) > v {
        // f > 0 here: the next representable value down is the previous bit pattern.
        f32::from_bits(f.to_bits() - 1)
    } else {
        f
    }
}
