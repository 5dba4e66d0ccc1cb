"""How much distance work Hamerly and Yinyang bounds would leave on the k-means bench case.

The harness's data (benches/browser/cases/compute.js: its LCG, 100 000 x 16 uniform points,
the first 16 as initial centroids), 20 Lloyd passes in f64. Per pass it prints:
- hamerly: the share of points whose bounds still fail after tightening (all k distances);
- yinyang: with 4 groups of 4 centroids (one GEMM tile row each), the share of
  (point, group) pairs whose group must be computed, and the share of 8-point x 4-centroid
  kernel tiles that must run when points are sorted by label (a tile runs if any of its 8
  points needs the group).
Run: python3 benches/sim/kmeans_bounds.py   (NumPy; about a minute)
"""
import numpy as np

N, D, K, PASSES = 100_000, 16, 16, 20
GROUPS, PER_GROUP, PANEL = 4, 4, 8


def bench_points():
    s, out = 5, np.empty(N * D)
    for i in range(N * D):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = s / 2**32 - 0.5
    return (out.astype(np.float32) + np.float32(0.5)).astype(np.float64).reshape(N, D)


def distances(x, c):
    return np.sqrt(((x[:, None, :] - c[None, :, :]) ** 2).sum(-1))


def main():
    x = bench_points()
    c = x[:K].copy()
    d = distances(x, c)
    label = d.argmin(1)
    rows = np.arange(N)
    group_of = np.arange(K) // PER_GROUP
    # Hamerly: upper bound u, one lower bound l. Yinyang: upper bound yu, lower bound per group.
    srt = np.sort(d, 1)
    u, l = srt[:, 0].copy(), srt[:, 1].copy()
    yu = u.copy()
    masked = d.copy()
    masked[rows, label] = np.inf
    lg = np.stack([masked[:, g * PER_GROUP:(g + 1) * PER_GROUP].min(1) for g in range(GROUPS)], 1)
    for p in range(1, PASSES):
        new_c = np.array([x[label == j].mean(0) for j in range(K)])
        drift = np.linalg.norm(new_c - c, axis=1)
        c = new_c
        d = distances(x, c)
        exact = d.argmin(1)

        # Hamerly
        u += drift[label]
        top, second = np.argsort(drift)[-1], np.sort(drift)[-2]
        l -= np.where(label == top, second, drift[top])
        cc = distances(c, c)
        np.fill_diagonal(cc, np.inf)
        bound = np.maximum(l, cc.min(1)[label] / 2)
        u = np.where(u > bound, d[rows, label], u)
        ham = u > bound
        srt = np.sort(d, 1)
        u = np.where(ham, srt[:, 0], u)
        l = np.where(ham, srt[:, 1], l)

        # Yinyang
        yu += drift[label]
        lg -= np.stack([drift[g * PER_GROUP:(g + 1) * PER_GROUP].max() for g in range(GROUPS)])[None, :]
        fail = yu > lg.min(1)
        yu = np.where(fail, d[rows, label], yu)
        fail &= yu > lg.min(1)
        need = np.zeros((N, GROUPS), bool)
        need[fail] = lg[fail] < yu[fail, None]
        need[fail, group_of[label[fail]]] = True
        tiles = need[np.argsort(label, kind="stable")].reshape(-1, PANEL, GROUPS).any(1)
        for g in range(GROUPS):
            block = d[:, g * PER_GROUP:(g + 1) * PER_GROUP].copy()
            for j in range(PER_GROUP):
                block[exact == g * PER_GROUP + j, j] = np.inf
            lg[need[:, g], g] = block[need[:, g]].min(1)
        moved = exact != label
        old_group = group_of[label]
        kept = moved & ~need[rows, old_group]
        lg[kept, old_group[kept]] = np.minimum(lg[kept, old_group[kept]], d[kept, label[kept]])
        yu = np.where(fail, d[rows, exact], yu)

        assert (exact[~ham] == label[~ham]).all() and (exact[~fail] == label[~fail]).all()
        label = exact
        print(f"pass {p + 1:2}: hamerly {ham.mean():.3f}  yinyang pairs {need.mean():.3f}"
              f"  tiles {tiles.mean():.3f}  moved {moved.sum()}")


if __name__ == "__main__":
    main()
