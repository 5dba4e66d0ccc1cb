//! FFT plans cached per (length, direction), shared by all threads.
//!
//! The cache sits behind a `Mutex` that is only ever `try_lock`ed: a thread that finds it busy
//! plans privately instead of waiting, because a contended lock that blocks traps on the
//! browser's main thread in the threads build. In front of it, each thread keeps the few plans
//! it used last, found with no lock and no hashing: that was 15–20 ns of the 80 ns a call from
//! JavaScript costs besides the transform itself (Chromium).

use super::real_odd::{ComplexToRealOdd, RealToComplexOdd};
use realfft::{ComplexToReal, RealToComplex};
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use realfft::{ComplexToRealEven, RealToComplexEven};
use rustfft::{Fft, FftDirection, FftPlanner};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, TryLockError};

/// The planner for complex transforms: on wasm32 explicitly the SIMD128 one.
enum ComplexPlanner {
    #[cfg(target_arch = "wasm32")]
    WasmSimd(rustfft::FftPlannerWasmSimd<f32>),
    Auto(FftPlanner<f32>),
}

impl ComplexPlanner {
    fn new() -> Self {
        #[cfg(target_arch = "wasm32")]
        if let Ok(p) = rustfft::FftPlannerWasmSimd::new() {
            return ComplexPlanner::WasmSimd(p);
        }
        ComplexPlanner::Auto(FftPlanner::new())
    }

    fn plan(&mut self, len: usize, dir: FftDirection) -> Arc<dyn Fft<f32>> {
        match self {
            #[cfg(target_arch = "wasm32")]
            ComplexPlanner::WasmSimd(p) => p.plan_fft(len, dir),
            ComplexPlanner::Auto(p) => p.plan_fft(len, dir),
        }
    }
}

struct Cache {
    complex: ComplexPlanner,
    /// realfft's planner for its even-length transforms, which run natively. On wasm those take
    /// their half-length FFT from this cache's complex plans, as odd lengths do everywhere
    /// (`real_odd`).
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    real: FftPlanner<f32>,
    forward: HashMap<usize, Arc<dyn Fft<f32>>>,
    inverse: HashMap<usize, Arc<dyn Fft<f32>>>,
    r2c: HashMap<usize, Arc<dyn RealToComplex<f32>>>,
    c2r: HashMap<usize, Arc<dyn ComplexToReal<f32>>>,
    /// Our power-of-two plans by (length, inverse), also in `forward` and `inverse`: the real
    /// transforms use them as they are.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    pow2: HashMap<(usize, bool), Arc<super::pow2_simd128::Pow2Simd>>,
}

impl Cache {
    fn new() -> Self {
        Cache {
            complex: ComplexPlanner::new(),
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            real: FftPlanner::new(),
            forward: HashMap::new(),
            inverse: HashMap::new(),
            r2c: HashMap::new(),
            c2r: HashMap::new(),
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            pow2: HashMap::new(),
        }
    }
}

static CACHE: Mutex<Option<Cache>> = Mutex::new(None);

fn with_cache<R>(f: impl FnOnce(&mut Cache) -> R) -> R {
    let mut guard = match CACHE.try_lock() {
        Ok(g) => g,
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        Err(TryLockError::WouldBlock) => return f(&mut Cache::new()),
    };
    f(guard.get_or_insert_with(Cache::new))
}

/// The plans a thread used last, by kind, oldest first.
#[derive(Default)]
struct Recent {
    complex: Keyed<(usize, bool), Arc<dyn Fft<f32>>>,
    r2c: Keyed<usize, Arc<dyn RealToComplex<f32>>>,
    c2r: Keyed<usize, Arc<dyn ComplexToReal<f32>>>,
}

type Keyed<K, P> = Vec<(K, P)>;

/// Plans of each kind a thread keeps in front of the shared cache.
const RECENT_PLANS: usize = 4;

thread_local! {
    static RECENT: RefCell<Recent> = RefCell::new(Recent::default());
}

/// The plan for `key` in `pick(this thread's recent plans)`, else `plan()`'s, kept there.
fn recent<K: PartialEq + Copy, P: Clone>(
    pick: impl FnOnce(&mut Recent) -> &mut Keyed<K, P>,
    key: K,
    plan: impl FnOnce() -> P,
) -> P {
    RECENT.with(|r| {
        let Ok(mut r) = r.try_borrow_mut() else {
            return plan();
        };
        let list = pick(&mut r);
        if let Some((_, p)) = list.iter().rev().find(|(k, _)| *k == key) {
            return p.clone();
        }
        let p = plan();
        if list.len() == RECENT_PLANS {
            list.remove(0);
        }
        list.push((key, p.clone()));
        p
    })
}

/// The complex FFT of `len` points in direction `inverse`.
pub(super) fn complex(len: usize, inverse: bool) -> Arc<dyn Fft<f32>> {
    recent(
        |r| &mut r.complex,
        (len, inverse),
        || with_cache(|c| c.complex(len, inverse)),
    )
}

impl Cache {
    fn complex(&mut self, len: usize, inverse: bool) -> Arc<dyn Fft<f32>> {
        if let Some(p) = self.plans(inverse).get(&len) {
            return Arc::clone(p);
        }
        let p = self.plan_complex(len, inverse);
        self.plans(inverse).insert(len, Arc::clone(&p));
        p
    }

    /// The cached complex plans of one direction.
    fn plans(&mut self, inverse: bool) -> &mut HashMap<usize, Arc<dyn Fft<f32>>> {
        if inverse {
            &mut self.inverse
        } else {
            &mut self.forward
        }
    }

    /// On wasm, powers of two from 64 points run our own SIMD128 passes (`pow2_simd128`), and
    /// lengths up to [`BLUESTEIN_MAX_LEN`] with a prime factor above 31 (which rustfft's
    /// planner hands to Rader's algorithm over its mixed-radix FFTs) Bluestein's algorithm over
    /// one of those powers of two. Every other length runs rustfft's plan.
    fn plan_complex(&mut self, len: usize, inverse: bool) -> Arc<dyn Fft<f32>> {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            if let Some(p) = self.pow2(len, inverse) {
                return p;
            }
            if len <= BLUESTEIN_MAX_LEN && has_prime_factor_above_31(len) {
                let inner = self.complex((2 * len - 1).next_power_of_two(), inverse);
                return Arc::new(rustfft::algorithm::BluesteinsAlgorithm::new(len, inner));
            }
        }
        self.complex.plan(len, direction(inverse))
    }

    /// Our SIMD128 plan of `len` points if `len` is a power of two it takes.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn pow2(&mut self, len: usize, inverse: bool) -> Option<Arc<super::pow2_simd128::Pow2Simd>> {
        use super::pow2_simd128::{Pow2Simd, MIN_LEN};
        if !len.is_power_of_two() || len < MIN_LEN {
            return None;
        }
        let plan = self
            .pow2
            .entry((len, inverse))
            .or_insert_with(|| Arc::new(Pow2Simd::new(len, direction(inverse))));
        Some(Arc::clone(plan))
    }
}

fn direction(inverse: bool) -> FftDirection {
    if inverse {
        FftDirection::Inverse
    } else {
        FftDirection::Forward
    }
}

/// Up to here Bluestein's algorithm over `pow2_simd128` beats rustfft's plan in Chromium
/// (lengths 37 to 8191 took 0.30–0.94× the time: 1009 went from 23.2 to 7.9 µs); above, its
/// inner transform of more than 16384 points and scalar O(n) passes lose (1.02–1.13× for 16411,
/// 32771, 40009 and 65537).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const BLUESTEIN_MAX_LEN: usize = 8192;

/// Whether `len` has a prime factor above 31, the largest prime rustfft has a butterfly for.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn has_prime_factor_above_31(mut len: usize) -> bool {
    for p in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31] {
        while len % p == 0 {
            len /= p;
        }
    }
    len > 1
}

/// The real-to-complex FFT of `len` points (even lengths on wasm: realfft's algorithm with a
/// SIMD128 post-processing pass, `real_simd128`; odd lengths: realfft's on this cache's complex
/// plan, `real_odd`).
pub(super) fn real_forward(len: usize) -> Arc<dyn RealToComplex<f32>> {
    recent(|r| &mut r.r2c, len, || with_cache(|c| c.real_forward(len)))
}

/// The complex-to-real inverse FFT of `len` points, scaled by 1/len (NumPy's `irfft`; even
/// lengths on wasm: as [`real_forward`]; natively, realfft's scaled afterwards).
pub(super) fn real_inverse(len: usize) -> Arc<dyn ComplexToReal<f32>> {
    recent(|r| &mut r.c2r, len, || with_cache(|c| c.real_inverse(len)))
}

impl Cache {
    fn real_forward(&mut self, len: usize) -> Arc<dyn RealToComplex<f32>> {
        if let Some(p) = self.r2c.get(&len) {
            return Arc::clone(p);
        }
        let p: Arc<dyn RealToComplex<f32>> = if len % 2 == 0 {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            let even = {
                use super::real_simd128::{ForwardHalf, RealToComplexEvenSimd, SPLIT_MAX_HALF};
                let half = match self.pow2(len / 2, false) {
                    Some(p) if len / 2 <= SPLIT_MAX_HALF => ForwardHalf::Split(p),
                    _ => ForwardHalf::Planned(self.complex(len / 2, false)),
                };
                RealToComplexEvenSimd::new(len, half)
            };
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            let even = RealToComplexEven::new(len, &mut self.real);
            Arc::new(even)
        } else {
            Arc::new(RealToComplexOdd::new(self.complex(len, false)))
        };
        self.r2c.insert(len, Arc::clone(&p));
        p
    }

    fn real_inverse(&mut self, len: usize) -> Arc<dyn ComplexToReal<f32>> {
        if let Some(p) = self.c2r.get(&len) {
            return Arc::clone(p);
        }
        let p: Arc<dyn ComplexToReal<f32>> = if len % 2 == 0 {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            let even =
                super::real_simd128::ComplexToRealEvenSimd::new(len, self.complex(len / 2, true));
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            let even = super::real::ScaledInverse(ComplexToRealEven::new(len, &mut self.real));
            Arc::new(even)
        } else {
            Arc::new(ComplexToRealOdd::new(self.complex(len, true)))
        };
        self.c2r.insert(len, Arc::clone(&p));
        p
    }
}

/// Which instruction set the complex planner uses: `"wasm_simd"`, `"avx"`, `"sse"`, `"neon"`
/// or `"scalar"`.
pub(super) fn backend() -> &'static str {
    #[cfg(target_arch = "wasm32")]
    {
        if rustfft::FftPlannerWasmSimd::<f32>::new().is_ok() {
            "wasm_simd"
        } else {
            "scalar"
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        if rustfft::FftPlannerAvx::<f32>::new().is_ok() {
            "avx"
        } else if rustfft::FftPlannerSse::<f32>::new().is_ok() {
            "sse"
        } else if rustfft::FftPlannerNeon::<f32>::new().is_ok() {
            "neon"
        } else {
            "scalar"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_keeps_its_recent_plans_by_length_and_direction() {
        let plan = |len, inverse| complex(len, inverse);
        let first = plan(64, false);
        assert!(Arc::ptr_eq(&first, &plan(64, false)));
        let inverse = plan(64, true);
        assert!(!Arc::ptr_eq(&first, &inverse));
        assert_eq!(inverse.fft_direction(), FftDirection::Inverse);
        // Past the recent list, the shared cache still gives the same plan.
        for len in [3, 5, 7, 11, 13] {
            assert_eq!(plan(len, false).len(), len);
        }
        RECENT.with(|r| {
            let r = r.borrow();
            assert_eq!(r.complex.len(), RECENT_PLANS);
            assert!(!r.complex.iter().any(|(k, _)| *k == (64, false)));
        });
        assert!(Arc::ptr_eq(&first, &plan(64, false)));
        let (f, i) = (real_forward(10), real_inverse(10));
        assert_eq!((f.len(), i.len()), (10, 10));
        assert!(Arc::ptr_eq(&f, &real_forward(10)) && Arc::ptr_eq(&i, &real_inverse(10)));
    }
}
