//! The k-means tests' f64 reference, shared with the unit tests of `src/compute/kmeans/lloyd.rs`
//! (which include this file by path).

/// Plain f64 Lloyd from the centroids `init`: up to `max_iter` assignment and update steps,
/// stopping early once the labels stop changing, then a final assignment. Returns the labels,
/// the inertia, and the narrowest win of any assignment: the least, over points and steps, of
/// (second-nearest − nearest squared distance) / (‖x‖² + ‖c‖²). Katalyst computes distances in
/// f32 as ‖x‖² − 2x·c + ‖c‖², so where that is near f32's precision its labels may rightly
/// differ. The k-means tests' independent reference.
pub fn lloyd_f64(
    x: &[f32],
    n: usize,
    d: usize,
    k: usize,
    init: &[f32],
    max_iter: usize,
) -> (Vec<usize>, f64, f64) {
    let mut c: Vec<f64> = init.iter().map(|&v| v as f64).collect();
    let dist = |i: usize, c: &[f64], j: usize| -> f64 {
        (0..d)
            .map(|t| (x[i * d + t] as f64 - c[j * d + t]).powi(2))
            .sum()
    };
    let sq = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>();
    let mut gap = f64::INFINITY;
    let mut nearest = |c: &[f64]| -> Vec<usize> {
        (0..n)
            .map(|i| {
                let mut by: Vec<(f64, usize)> = (0..k).map(|j| (dist(i, c, j), j)).collect();
                by.sort_by(|a, b| a.0.total_cmp(&b.0));
                if k > 1 {
                    let xi: Vec<f64> = x[i * d..(i + 1) * d].iter().map(|&v| v as f64).collect();
                    let scale = sq(&xi) + sq(&c[by[0].1 * d..(by[0].1 + 1) * d]);
                    gap = gap.min((by[1].0 - by[0].0) / scale.max(1e-300));
                }
                by[0].1
            })
            .collect()
    };
    let mut labels = Vec::new();
    for _ in 0..max_iter {
        let new = nearest(&c);
        if new == labels {
            break;
        }
        labels = new;
        let mut sums = vec![0.0; k * d];
        let mut counts = vec![0usize; k];
        for (i, &l) in labels.iter().enumerate() {
            counts[l] += 1;
            for t in 0..d {
                sums[l * d + t] += x[i * d + t] as f64;
            }
        }
        for j in 0..k {
            if counts[j] > 0 {
                for t in 0..d {
                    c[j * d + t] = sums[j * d + t] / counts[j] as f64;
                }
            }
        }
    }
    let labels = nearest(&c);
    let inertia = (0..n).map(|i| dist(i, &c, labels[i])).sum();
    (labels, inertia, gap)
}
