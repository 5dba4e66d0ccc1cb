//! k-means clustering: greedy k-means++ / random / given initial centroids, Lloyd iterations
//! whose distances run through the SGEMM micro-kernel, empty clusters re-seeded from the
//! farthest points, `n_init` restarts keeping the lowest inertia. Deterministic for a seed
//! (and independent of the thread count: partial sums are combined in a fixed order).
//!
//! Files: `rng` (SplitMix64), `data` (centring and packing), `init`, `nearest` (the GEMM
//! tile → lane-wise argmin kernel), `bounds` (Hamerly's bounds), `assign` (bounded
//! assignment + changes of the partial sums), `lloyd`.

mod assign;
mod bounds;
mod data;
mod init;
mod lloyd;
mod nearest;
mod plain;
mod rng;

use super::{checks, ComputeError};
use data::Points;
use rng::SplitMix64;

/// Upper bounds that keep a call finite: Lloyd iterations per run and restarts.
const MAX_ITER: usize = 1_000_000;
const MAX_N_INIT: usize = 1000;

/// How the first centroids are chosen.
///
/// ```
/// use katalyst::compute::KmeansInit;
/// let init = KmeansInit::Centroids(&[0.0, 0.0, 1.0, 1.0]);
/// assert!(matches!(KmeansInit::default(), KmeansInit::PlusPlus));
/// # let _ = init;
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub enum KmeansInit<'a> {
    /// Greedy k-means++ (scikit-learn's default): 2 + ⌊ln k⌋ candidates per centre.
    #[default]
    PlusPlus,
    /// k distinct points chosen uniformly.
    Random,
    /// Given centroids, k×d row-major (then one run whatever `n_init` says).
    Centroids(&'a [f32]),
}

/// Options of [`kmeans`]; defaults follow scikit-learn (`max_iter` 300, `tol` 1e-4, one run).
///
/// ```
/// let o = katalyst::compute::KmeansOptions::default();
/// assert_eq!((o.max_iter, o.tol, o.n_init), (300, 1e-4, 1));
/// ```
#[derive(Clone, Debug)]
pub struct KmeansOptions<'a> {
    /// How the first centroids are chosen.
    pub init: KmeansInit<'a>,
    /// Most Lloyd iterations per run (1 ..= 1 000 000).
    pub max_iter: usize,
    /// Stop when the summed squared centroid shift is ≤ `tol` × the mean per-feature variance.
    pub tol: f64,
    /// Seed of the initialisation.
    pub seed: u64,
    /// Independent runs; the one with the lowest inertia is returned (1 ..= 1000).
    pub n_init: usize,
}

impl Default for KmeansOptions<'_> {
    fn default() -> Self {
        KmeansOptions {
            init: KmeansInit::PlusPlus,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
            n_init: 1,
        }
    }
}

/// The outcome of [`kmeans`].
#[derive(Clone, Debug, PartialEq)]
pub struct KmeansResult {
    /// k×d row-major.
    pub centroids: Vec<f32>,
    /// The index of each point's centroid.
    pub labels: Vec<u32>,
    /// Σ‖x − c(x)‖², computed in f64.
    pub inertia: f64,
    /// Lloyd iterations of the returned run.
    pub iterations: usize,
}

/// Clusters `n` points of dimension `d` (row-major `data`) into `k` clusters.
///
/// ```
/// use katalyst::compute::{kmeans, KmeansOptions};
/// let data = [0.0, 0.0, 0.1, 0.0, 10.0, 10.0, 10.1, 10.0];
/// let r = kmeans(&data, 4, 2, 2, &KmeansOptions::default()).unwrap();
/// assert_eq!(r.labels[0], r.labels[1]);
/// assert_ne!(r.labels[0], r.labels[2]);
/// assert!((r.inertia - 0.01).abs() < 1e-6);
/// ```
pub fn kmeans(
    data: &[f32],
    n: usize,
    d: usize,
    k: usize,
    opts: &KmeansOptions,
) -> Result<KmeansResult, ComputeError> {
    kmeans_owned(data.to_vec(), n, d, k, opts)
}

/// [`kmeans`] on a buffer the caller gives up (centred in place).
pub(crate) fn kmeans_owned(
    data: Vec<f32>,
    n: usize,
    d: usize,
    k: usize,
    opts: &KmeansOptions,
) -> Result<KmeansResult, ComputeError> {
    checks::dim("n", n)?;
    checks::dim("d", d)?;
    checks::dim("k", k)?;
    checks::shape("data", data.len(), n, d)?;
    if k > n {
        return Err(ComputeError::TooManyClusters { k, n });
    }
    finite("data", &data)?;
    if !(1..=MAX_ITER).contains(&opts.max_iter) {
        return Err(ComputeError::BadOption {
            arg: "maxIter",
            expected: "an integer from 1 to 1000000",
            actual: opts.max_iter.to_string(),
        });
    }
    if !(1..=MAX_N_INIT).contains(&opts.n_init) {
        return Err(ComputeError::BadOption {
            arg: "nInit",
            expected: "an integer from 1 to 1000",
            actual: opts.n_init.to_string(),
        });
    }
    if !(opts.tol.is_finite() && opts.tol >= 0.0) {
        return Err(ComputeError::BadOption {
            arg: "tol",
            expected: "a finite number ≥ 0",
            actual: opts.tol.to_string(),
        });
    }
    if let KmeansInit::Centroids(c) = opts.init {
        checks::shape("init", c.len(), k, d)?;
        finite("init", c)?;
    }
    // Per point: the packed copy (4d bytes), norms and labels (4 + 4), Hamerly bounds (8),
    // k-means++ distances and cumulative sums (4 + 8), re-seeding distances (8).
    let per_point = 4 * d + 36;
    checks::probe_memory("data", n.saturating_mul(per_point).saturating_add(1 << 16))?;
    let points = std::sync::Arc::new(Points::new(data, n, d)?);
    crate::parallel::on_pool(|| run(&points, k, opts))
}

/// `nInit` runs of Lloyd from the chosen starts; the best, in the caller's coordinates.
fn run(
    points: &std::sync::Arc<Points>,
    k: usize,
    opts: &KmeansOptions,
) -> Result<KmeansResult, ComputeError> {
    let d = points.d;
    let tol = opts.tol * points.mean_variance;
    let mut rng = SplitMix64::new(opts.seed);
    let runs = match opts.init {
        KmeansInit::Centroids(_) => 1,
        _ => opts.n_init,
    };
    let mut best: Option<lloyd::Run> = None;
    for _ in 0..runs {
        let start = match opts.init {
            KmeansInit::PlusPlus => init::plus_plus(points, k, &mut rng),
            KmeansInit::Random => init::random(points, k, &mut rng),
            KmeansInit::Centroids(c) => c
                .chunks_exact(d)
                .flat_map(|row| {
                    row.iter()
                        .zip(&points.mean)
                        .map(|(&v, &m)| (v as f64 - m) as f32)
                })
                .collect(),
        };
        let run = lloyd::lloyd(points, start, k, opts.max_iter, tol);
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    let Some(run) = best else {
        return Err(ComputeError::BadDimension {
            arg: "nInit",
            actual: 0,
        });
    };
    let centroids = run
        .centroids
        .chunks_exact(d)
        .flat_map(|row| {
            row.iter()
                .zip(&points.mean)
                .map(|(&v, &m)| (v as f64 + m) as f32)
        })
        .collect();
    Ok(KmeansResult {
        centroids,
        labels: run.labels,
        inertia: run.inertia,
        iterations: run.iterations,
    })
}

fn finite(arg: &'static str, v: &[f32]) -> Result<(), ComputeError> {
    // A branch-free scan (vectorises); the position is searched only when something is off.
    const EXP: u32 = 0x7f80_0000;
    let bad = v.chunks(1024).any(|c| {
        c.iter()
            .fold(0u32, |acc, x| acc | u32::from(x.to_bits() & EXP == EXP))
            != 0
    });
    if !bad {
        return Ok(());
    }
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(ComputeError::NonFinite {
            arg,
            index,
            value: v[index],
        }),
        None => Ok(()),
    }
}
