//! FFT plans cached per (length, direction), shared by all threads.
//!
//! The cache sits behind a `Mutex` that is only ever `try_lock`ed: a thread that finds it busy
//! plans privately instead of waiting, because a contended lock that blocks traps on the
//! browser's main thread in the threads build.

use realfft::{ComplexToReal, ComplexToRealOdd, RealToComplex, RealToComplexOdd};
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use realfft::{ComplexToRealEven, RealToComplexEven};
use rustfft::{Fft, FftDirection, FftPlanner};
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
    /// realfft's building block; on wasm32 `FftPlanner::new` settles on the same SIMD128
    /// planner (the AVX, SSE and NEON planners refuse there), see [`backend`].
    real: FftPlanner<f32>,
    forward: HashMap<usize, Arc<dyn Fft<f32>>>,
    inverse: HashMap<usize, Arc<dyn Fft<f32>>>,
    r2c: HashMap<usize, Arc<dyn RealToComplex<f32>>>,
    c2r: HashMap<usize, Arc<dyn ComplexToReal<f32>>>,
}

impl Cache {
    fn new() -> Self {
        Cache {
            complex: ComplexPlanner::new(),
            real: FftPlanner::new(),
            forward: HashMap::new(),
            inverse: HashMap::new(),
            r2c: HashMap::new(),
            c2r: HashMap::new(),
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

/// The complex FFT of `len` points in direction `inverse`.
pub(super) fn complex(len: usize, inverse: bool) -> Arc<dyn Fft<f32>> {
    with_cache(|c| {
        let (map, dir) = if inverse {
            (&mut c.inverse, FftDirection::Inverse)
        } else {
            (&mut c.forward, FftDirection::Forward)
        };
        if let Some(p) = map.get(&len) {
            return Arc::clone(p);
        }
        let p = c.complex.plan(len, dir);
        map.insert(len, Arc::clone(&p));
        p
    })
}

/// The real-to-complex FFT of `len` points (even lengths on wasm: realfft's algorithm with a
/// SIMD128 post-processing pass, `real_simd128`).
pub(super) fn real_forward(len: usize) -> Arc<dyn RealToComplex<f32>> {
    with_cache(|c| {
        if let Some(p) = c.r2c.get(&len) {
            return Arc::clone(p);
        }
        let p: Arc<dyn RealToComplex<f32>> = if len % 2 == 0 {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            let even = super::real_simd128::RealToComplexEvenSimd::new(len, &mut c.real);
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            let even = RealToComplexEven::new(len, &mut c.real);
            Arc::new(even)
        } else {
            Arc::new(RealToComplexOdd::new(len, &mut c.real))
        };
        c.r2c.insert(len, Arc::clone(&p));
        p
    })
}

/// The complex-to-real inverse FFT of `len` points, unnormalised (even lengths on wasm: as
/// [`real_forward`]).
pub(super) fn real_inverse(len: usize) -> Arc<dyn ComplexToReal<f32>> {
    with_cache(|c| {
        if let Some(p) = c.c2r.get(&len) {
            return Arc::clone(p);
        }
        let p: Arc<dyn ComplexToReal<f32>> = if len % 2 == 0 {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            let even = super::real_simd128::ComplexToRealEvenSimd::new(len, &mut c.real);
            #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
            let even = ComplexToRealEven::new(len, &mut c.real);
            Arc::new(even)
        } else {
            Arc::new(ComplexToRealOdd::new(len, &mut c.real))
        };
        c.c2r.insert(len, Arc::clone(&p));
        p
    })
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
