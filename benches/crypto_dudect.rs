//! dudect-style constant-time check (Reparaz, Balasch, Verbauwhede 2017), native only:
//! `cargo bench --bench crypto_dudect`.
//!
//! For each operation, two classes of secret input are prepared, samples are drawn in a random
//! class order, each call is timed, and Welch's t statistic between the two classes' timings is
//! computed on all samples and on samples cropped at several percentiles (which removes the
//! long tail of interrupts and preemptions). An operation passes when every |t| < 5.
//! `KATALYST_DUDECT_SAMPLES` overrides the number of samples per operation (default 10⁶).
//! `KATALYST_DUDECT_ONLY=sign` (or `timingSafeEqual`, `checkCsrfToken`) runs one operation.
//! Exits with status 1 if any operation fails.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use katalyst::crypto::{
        check_csrf_token, issue_csrf_token_with_nonce, timing_safe_equal, SigningKey,
    };
    use std::hint::black_box;
    use std::time::Instant;

    /// Inputs per class; samples cycle through them so both classes touch the same amount of memory.
    const POOL: usize = 1024;
    const PERCENTILES: [f64; 6] = [1.0, 0.99, 0.95, 0.90, 0.75, 0.50];
    const THRESHOLD: f64 = 5.0;

    /// xorshift64*: the class order only needs to be unpredictable to the code under test.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn bytes<const N: usize>(&mut self) -> [u8; N] {
            let mut out = [0u8; N];
            for b in out.iter_mut() {
                *b = self.next() as u8;
            }
            out
        }
    }

    #[derive(Default, Clone, Copy)]
    struct Welford {
        n: f64,
        mean: f64,
        m2: f64,
    }
    impl Welford {
        fn push(&mut self, x: f64) {
            self.n += 1.0;
            let d = x - self.mean;
            self.mean += d / self.n;
            self.m2 += d * (x - self.mean);
        }
        fn var(&self) -> f64 {
            self.m2 / (self.n - 1.0)
        }
    }

    fn welch_t(a: &Welford, b: &Welford) -> f64 {
        (a.mean - b.mean) / (a.var() / a.n + b.var() / b.n).sqrt()
    }

    /// Measures `op(class, i)` (which copies its input into a fixed buffer, then times only the
    /// operation and returns the nanoseconds) for `samples` random classes; returns
    /// (percentile, t) pairs. Copying first keeps the operands at the same addresses for both
    /// classes, so heap layout cannot masquerade as a leak.
    fn run(
        samples: usize,
        rng: &mut Rng,
        mut op: impl FnMut(usize, usize) -> f64,
    ) -> Vec<(f64, f64)> {
        let mut times = Vec::with_capacity(samples);
        // Warm-up.
        for i in 0..samples.min(10_000) {
            black_box(op(i % 2, i % POOL));
        }
        for i in 0..samples {
            let class = (rng.next() >> 63) as usize;
            let ns = op(class, i % POOL);
            times.push((class, ns));
        }
        let mut sorted: Vec<f64> = times.iter().map(|t| t.1).collect();
        sorted.sort_by(f64::total_cmp);
        PERCENTILES
            .iter()
            .map(|&p| {
                let idx = ((sorted.len() as f64 * p) as usize).clamp(1, sorted.len()) - 1;
                let cut = sorted[idx];
                let mut w = [Welford::default(); 2];
                for &(c, t) in &times {
                    if t <= cut {
                        w[c].push(t);
                    }
                }
                (p, welch_t(&w[0], &w[1]))
            })
            .collect()
    }

    fn report(name: &str, samples: usize, ts: &[(f64, f64)]) -> bool {
        let max = ts.iter().map(|t| t.1.abs()).fold(0.0, f64::max);
        let pass = max < THRESHOLD;
        let detail: Vec<String> = ts
            .iter()
            .map(|(p, t)| format!("p{:.0}: {t:+.2}", p * 100.0))
            .collect();
        println!(
            "{name:<20} n={samples}  t = [{}]  max|t| = {max:.2}  {}",
            detail.join(", "),
            if pass { "PASS" } else { "FAIL (|t| ≥ 5)" }
        );
        pass
    }

    pub fn main() {
        let samples: usize = std::env::var("KATALYST_DUDECT_SAMPLES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1_000_000);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ std::process::id() as u64);
        println!(
            "dudect (Welch t, two classes, random order), {} {}, {samples} samples per operation",
            std::env::consts::ARCH,
            std::env::consts::OS
        );
        let only = std::env::var("KATALYST_DUDECT_ONLY").unwrap_or_default();
        let wanted = |name: &str| only.is_empty() || only == name;
        let mut all_pass = true;

        if wanted("timingSafeEqual") {
            // timingSafeEqual: equal inputs vs inputs differing in the first byte (an early-exit
            // comparison would return sooner for the second class).
            let a: Vec<[u8; 512]> = (0..POOL).map(|_| rng.bytes()).collect();
            let b: [Vec<[u8; 512]>; 2] = [
                a.clone(),
                a.iter()
                    .map(|x| {
                        let mut y = *x;
                        y[0] ^= 0xff;
                        y
                    })
                    .collect(),
            ];
            let (mut fa, mut fb) = ([0u8; 512], [0u8; 512]);
            let ts = run(samples, &mut rng, |c, i| {
                fa.copy_from_slice(&a[i]);
                fb.copy_from_slice(&b[c][i]);
                let start = Instant::now();
                black_box(timing_safe_equal(black_box(&fa), black_box(&fb)));
                start.elapsed().as_nanos() as f64
            });
            all_pass &= report("timingSafeEqual", samples, &ts);
            // Control: the same classes through `==` (memcmp, which stops at the first
            // difference) must be detected, or the harness has no power on this machine.
            let ts = run(samples, &mut rng, |c, i| {
                fa.copy_from_slice(&a[i]);
                fb.copy_from_slice(&b[c][i]);
                let start = Instant::now();
                black_box(black_box(&fa)[..] == black_box(&fb)[..]);
                start.elapsed().as_nanos() as f64
            });
            let detected = !report("control: == (leaky)", samples, &ts);
            println!(
                "{:<18} {}",
                "",
                if detected {
                    "control leak detected, as it must be"
                } else {
                    "WARNING: the leaky control was not detected; this machine is too noisy to judge"
                }
            );
            all_pass &= detected;
        }
        if wanted("checkCsrfToken") {
            // checkCsrfToken: two wrong tokens whose tags differ from the right one in the first
            // vs the last tag byte.
            let secret = rng.bytes::<32>();
            let now = 1_700_000_000;
            let tokens: [Vec<String>; 2] = std::array::from_fn(|class| {
                (0..POOL)
                    .map(|_| {
                        let t =
                            issue_csrf_token_with_nonce(&secret, "session", 600, now, rng.bytes())
                                .unwrap();
                        let mut raw = katalyst::crypto::base64url_decode(&t).unwrap();
                        let pos = if class == 0 { 25 } else { raw.len() - 1 };
                        raw[pos] ^= 0x01;
                        katalyst::crypto::base64url_encode(&raw)
                    })
                    .collect()
            });
            let mut token = String::with_capacity(128);
            let ts = run(samples, &mut rng, |c, i| {
                token.clear();
                token.push_str(&tokens[c][i]);
                let start = Instant::now();
                black_box(check_csrf_token(&secret, "session", black_box(&token), now).unwrap());
                start.elapsed().as_nanos() as f64
            });
            all_pass &= report("checkCsrfToken", samples, &ts);
        }
        if wanted("sign") {
            // sign: one fixed key (copied into every slot) vs random keys, same message.
            let fixed = [0x11u8; 32];
            let keys: [Vec<SigningKey>; 2] = [
                (0..POOL)
                    .map(|_| SigningKey::from_seed(&fixed).unwrap())
                    .collect(),
                (0..POOL)
                    .map(|_| SigningKey::from_seed(&rng.bytes::<32>()).unwrap())
                    .collect(),
            ];
            let msg = [0x42u8; 64];
            let mut key = keys[0][0].clone();
            let ts = run(samples, &mut rng, |c, i| {
                key.clone_from(&keys[c][i]);
                let start = Instant::now();
                black_box(key.sign(black_box(&msg)));
                start.elapsed().as_nanos() as f64
            });
            all_pass &= report("sign", samples, &ts);
        }

        if !all_pass {
            println!("at least one operation leaked timing (or the machine was noisy: rerun on a quiet machine)");
            std::process::exit(1);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
