//! Whether the current thread may fan data-parallel work out over the rayon pool.
//!
//! Natively every thread may. In the `st` wasm build none may (there are no threads). In the
//! `mt` build only threads that opted in may: a rayon call blocks its caller until the pool
//! finishes, and blocking traps on the browser's main thread, so the main thread never opts in
//! and runs every kernel sequentially (or shares it through [`assist`]); the compute host worker
//! calls [`enable`] once.

pub mod assist;

#[cfg(all(target_arch = "wasm32", feature = "threads"))]
thread_local! {
    static ENABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Allows this thread to block on the rayon pool (`mt` build; a no-op elsewhere).
pub fn enable() {
    #[cfg(all(target_arch = "wasm32", feature = "threads"))]
    ENABLED.with(|e| e.set(true));
}

/// True when kernels called on this thread may use the rayon pool.
///
/// ```
/// # #[cfg(not(target_arch = "wasm32"))]
/// assert!(katalyst::parallel::enabled());
/// ```
pub fn enabled() -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    return true;
    #[cfg(all(target_arch = "wasm32", feature = "threads"))]
    return ENABLED.with(|e| e.get()) || rayon::current_thread_index().is_some();
    #[cfg(all(target_arch = "wasm32", not(feature = "threads")))]
    return false;
}

/// The number of threads a parallel kernel called here would use.
pub fn threads() -> usize {
    if enabled() {
        rayon::current_num_threads()
    } else {
        1
    }
}

/// Runs `f` on a thread of the rayon pool when this thread may use the pool but is not in it
/// (natively, a plain thread; in `mt`, the compute worker), else here. A loop of parallel
/// steps then starts each one from inside the pool: called from outside, every step hands its
/// work to the pool and sleeps until it is done, a wake-up each way per step.
///
/// ```
/// assert_eq!(katalyst::parallel::on_pool(|| 6 * 7), 42);
/// ```
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if threads() > 1 && rayon::current_thread_index().is_none() {
        rayon::scope(|_| f())
    } else {
        f()
    }
}

/// `f(0) … f(chunks − 1)` on every thread this one may use: the rayon pool when it may block on
/// it, else the helpers of [`assist`] (the `mt` main thread), else a plain loop. The results
/// come back in chunk order, so a caller that reduces them in that order gets the same answer
/// whatever ran where.
///
/// ```
/// assert_eq!(katalyst::parallel::map_chunks(5, |i| i + 1), vec![1, 2, 3, 4, 5]);
/// ```
pub fn map_chunks<T: Send + 'static>(
    chunks: usize,
    f: impl Fn(usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    use rayon::prelude::*;
    if threads() > 1 && chunks > 1 {
        (0..chunks).into_par_iter().map(f).collect()
    } else {
        assist::map(chunks, f)
    }
}
