//! Parallel loops for a caller that may not block: the browser main thread in the `mt` build.
//!
//! The main thread cannot join the rayon pool (joining waits, and waiting traps there), and
//! sending the work to the compute worker costs a copy and a hop each way. Instead the caller
//! publishes a job of independent chunks, wakes the serving thread (the compute worker, through
//! `Atomics.notify` on [`wake_word`]) and claims chunks itself. A claim is one atomic increment,
//! so the work is shared by whoever is there: if no helper comes in time, the caller does it all.
//! The caller spins only while a helper finishes a chunk it already claimed, so chunks should
//! be short (well under a millisecond).
//!
//! ```
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::sync::Arc;
//! use katalyst::parallel::assist;
//!
//! let sum = Arc::new(AtomicU32::new(0));
//! let s = sum.clone();
//! assist::for_each(10, move |i| {
//!     s.fetch_add(i as u32, Ordering::Relaxed);
//! });
//! assert_eq!(sum.load(Ordering::Relaxed), 45);
//! ```

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use crossbeam_queue::SegQueue;

struct Job {
    chunks: usize,
    next: AtomicUsize,
    done: AtomicUsize,
    run: Box<dyn Fn(usize) + Send + Sync>,
}

impl Job {
    /// Claims and runs chunks until none is left; returns how many this thread ran.
    fn work(&self) -> usize {
        let mut ran = 0;
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            if i >= self.chunks {
                return ran;
            }
            (self.run)(i);
            ran += 1;
            self.done.fetch_add(1, Ordering::Release);
        }
    }
}

static JOBS: SegQueue<Arc<Job>> = SegQueue::new();
static WAKE: AtomicU32 = AtomicU32::new(0);
static HELPERS: AtomicUsize = AtomicUsize::new(0);
static HELPED: AtomicUsize = AtomicUsize::new(0);

/// How many helper threads serve jobs (0 until a thread calls [`serve`]).
pub fn helpers() -> usize {
    HELPERS.load(Ordering::Relaxed)
}

/// Declares that a thread now answers [`wake_word`] by calling [`run_pending`] and brings
/// `threads` helper threads (itself when 1, else that many tasks on the rayon pool it may
/// block on). `serve(0)` withdraws.
pub fn serve(threads: usize) {
    HELPERS.store(threads, Ordering::Relaxed);
}

/// The word a serving thread waits on; it changes whenever a job is published.
pub fn wake_word() -> &'static AtomicU32 {
    &WAKE
}

/// Chunks run by helpers so far (tests check the work really was shared).
pub fn helped_chunks() -> usize {
    HELPED.load(Ordering::Relaxed)
}

/// Runs `f(0) … f(chunks - 1)`, each once, on this thread and on the serving helpers, and
/// returns when all have finished. Never waits on a lock or a futex: safe on the browser main
/// thread. Without helpers it is a plain loop.
pub fn for_each(chunks: usize, f: impl Fn(usize) + Send + Sync + 'static) {
    if helpers() == 0 || chunks < 2 {
        (0..chunks).for_each(f);
        return;
    }
    let job = Arc::new(Job {
        chunks,
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        run: Box::new(f),
    });
    JOBS.push(job.clone());
    WAKE.fetch_add(1, Ordering::SeqCst);
    notify(&WAKE);
    job.work();
    while job.done.load(Ordering::Acquire) < chunks {
        std::hint::spin_loop();
    }
}

/// [`for_each`] that keeps what each chunk returns, in chunk order.
///
/// ```
/// use katalyst::parallel::assist;
/// assert_eq!(assist::map(4, |i| i * i), vec![0, 1, 4, 9]);
/// ```
pub fn map<T: Send + 'static>(
    chunks: usize,
    f: impl Fn(usize) -> T + Send + Sync + 'static,
) -> Vec<T> {
    let done = Arc::new(SegQueue::new());
    let out = done.clone();
    for_each(chunks, move |i| out.push((i, f(i))));
    let mut slots: Vec<Option<T>> = (0..chunks).map(|_| None).collect();
    while let Some((i, v)) = done.pop() {
        slots[i] = Some(v);
    }
    // Every chunk ran before `for_each` returned.
    slots.into_iter().flatten().collect()
}

/// Helper side: works on every published job until the queue is empty. Uses the rayon pool
/// for helpers beyond the first, so call it only where blocking is allowed.
pub fn run_pending() {
    while let Some(job) = JOBS.pop() {
        let threads = helpers();
        let ran = if threads > 1 && super::enabled() {
            let ran = AtomicUsize::new(0);
            rayon::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|_| {
                        ran.fetch_add(job.work(), Ordering::Relaxed);
                    });
                }
            });
            ran.into_inner()
        } else {
            job.work()
        };
        HELPED.fetch_add(ran, Ordering::Relaxed);
    }
}

fn notify(word: &AtomicU32) {
    #[cfg(target_feature = "atomics")]
    // SAFETY: `word` is a live, aligned 32-bit atomic; notify only reads its address.
    unsafe {
        core::arch::wasm32::memory_atomic_notify(word.as_ptr().cast::<i32>(), u32::MAX);
    }
    #[cfg(not(target_feature = "atomics"))]
    let _ = word;
}

/// Test support: runs `f` while a helper thread serves jobs, one such test at a time (the
/// queue and the helper count are global). Returns the chunks the helper ran.
#[cfg(test)]
pub(crate) fn with_helper(f: impl FnOnce()) -> usize {
    use std::sync::atomic::AtomicBool;
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let stop = Arc::new(AtomicBool::new(false));
    serve(1);
    let helper = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                run_pending();
                std::hint::spin_loop();
            }
        })
    };
    let before = helped_chunks();
    f();
    stop.store(true, Ordering::Relaxed);
    helper.join().unwrap();
    serve(0);
    helped_chunks() - before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_run_once_shared_with_a_helper() {
        let counts: Arc<Vec<AtomicU32>> = Arc::new((0..2000).map(|_| AtomicU32::new(0)).collect());
        let helped = with_helper(|| {
            for _ in 0..20 {
                let c = counts.clone();
                for_each(100, move |i| {
                    // Long enough per chunk that the helper gets a share.
                    let start = std::time::Instant::now();
                    while start.elapsed() < std::time::Duration::from_micros(20) {}
                    if let Some(n) = c.get(i) {
                        n.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        for (i, n) in counts.iter().enumerate() {
            assert_eq!(
                n.load(Ordering::Relaxed),
                if i < 100 { 20 } else { 0 },
                "chunk {i}"
            );
        }
        assert!(helped > 0, "the helper never took a chunk");
    }
}
