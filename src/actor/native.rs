//! The native executor: one OS thread per worker, parking on a condvar. It only decides how
//! threads run slices and sleep; everything else is the shared scheduler.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::panic::install_panic_capture;
use super::scheduler::{Park, Slice, Unpark, WorkerHandle, SLEEPING};
use super::{ActorError, Config, ExitReason, InstantClock, System};

struct Parker {
    lock: Mutex<()>,
    cv: Condvar,
}

struct Parkers(Vec<Parker>);

impl Parkers {
    fn wait(&self, i: usize, word: &AtomicU32, timeout: Option<Duration>) {
        let Some(p) = self.0.get(i) else {
            return;
        };
        let Ok(guard) = p.lock.lock() else {
            return;
        };
        if word.load(Ordering::SeqCst) != SLEEPING {
            return;
        }
        match timeout {
            Some(t) => drop(p.cv.wait_timeout(guard, t)),
            None => drop(p.cv.wait(guard)),
        }
    }
}

impl Unpark for Parkers {
    fn unpark(&self, worker: usize) {
        if let Some(p) = self.0.get(worker) {
            // Taking the lock orders this notify after a sleeper's check of its word.
            drop(p.lock.lock());
            p.cv.notify_one();
        }
    }
}

/// Runs a [`System`] on OS threads.
///
/// Handler panics are caught (`catch_unwind`): the actor exits with the panic message and
/// backtrace, its worker and the other actors carry on. Dropping the executor shuts it down.
///
/// ```
/// use katalyst::actor::*;
/// let ex = NativeExecutor::start(Config { workers: 2, ..Config::default() }).unwrap();
/// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
/// assert!(ex.system().call(a, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait().is_ok());
/// ex.shutdown();
/// ```
pub struct NativeExecutor {
    system: System,
    threads: Vec<JoinHandle<()>>,
    monitor_stop: Arc<AtomicBool>,
}

impl NativeExecutor {
    /// Starts `config.workers` worker threads (and a watchdog thread if the watchdog is on).
    ///
    /// See [`NativeExecutor`] for an example.
    pub fn start(config: Config) -> Result<NativeExecutor, ActorError> {
        install_panic_capture();
        let workers = config.workers;
        let watchdog = config.watchdog_limit;
        let system = System::new(config, Arc::new(InstantClock::new()))?;
        let parkers = Arc::new(Parkers(
            (0..workers)
                .map(|_| Parker {
                    lock: Mutex::new(()),
                    cv: Condvar::new(),
                })
                .collect(),
        ));
        system.set_unpark(parkers.clone());
        let monitor_stop = Arc::new(AtomicBool::new(false));
        let mut ex = NativeExecutor {
            system: system.clone(),
            threads: Vec::new(),
            monitor_stop: monitor_stop.clone(),
        };
        let failed = |e: std::io::Error| ActorError::ExecutorFailed {
            message: format!("could not start a thread: {e}"),
        };
        for i in 0..workers {
            let handle = system.worker(i).ok_or_else(|| ActorError::ExecutorFailed {
                message: format!("worker {i} already taken"),
            })?;
            let parkers = parkers.clone();
            let t = thread::Builder::new()
                .name(format!("katalyst-actor-{i}"))
                .spawn(move || worker_loop(handle, &parkers))
                .map_err(failed)?;
            ex.threads.push(t);
        }
        if let Some(limit) = watchdog {
            let sys = system.clone();
            let every = (limit / 4).clamp(Duration::from_millis(5), Duration::from_millis(250));
            let t = thread::Builder::new()
                .name("katalyst-actor-watchdog".into())
                .spawn(move || {
                    while !monitor_stop.load(Ordering::Acquire) && !sys.is_halted() {
                        thread::park_timeout(every);
                        sys.watchdog_scan();
                    }
                })
                .map_err(failed)?;
            ex.threads.push(t);
        }
        Ok(ex)
    }

    /// The system it runs.
    ///
    /// See [`NativeExecutor`] for an example.
    pub fn system(&self) -> &System {
        &self.system
    }

    /// Stops every actor with `shutdown` (waiting up to 2 s for them to exit), then halts the
    /// system and joins the threads.
    ///
    /// See [`NativeExecutor`] for an example.
    pub fn shutdown(mut self) {
        self.stop_threads();
    }

    fn stop_threads(&mut self) {
        if self.threads.is_empty() {
            return;
        }
        if !self.system.is_halted() {
            self.system.stop_all(ExitReason::Shutdown);
            let deadline = Instant::now() + Duration::from_secs(2);
            while self.system.live() > 0 && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(1));
            }
        }
        self.system.halt();
        self.monitor_stop.store(true, Ordering::Release);
        for t in self.threads.drain(..) {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}

impl Drop for NativeExecutor {
    fn drop(&mut self) {
        self.stop_threads();
    }
}

/// How long an idle worker looks for work before it parks.
const SPIN: Duration = Duration::from_micros(50);

/// Spins (yielding the CPU between checks) until work shows up or `SPIN` passes.
fn spin_for_work(w: &WorkerHandle) -> bool {
    let start = Instant::now();
    loop {
        for _ in 0..32 {
            if w.has_work() {
                return true;
            }
            std::hint::spin_loop();
        }
        if start.elapsed() >= SPIN || w.is_halted() {
            return false;
        }
        thread::yield_now();
    }
}

fn worker_loop(mut w: WorkerHandle, parkers: &Parkers) {
    let index = w.index();
    while !w.is_halted() {
        if w.run_slice(256) == Slice::Busy || (w.begin_search() && spin_for_work(&w)) {
            continue;
        }
        match w.begin_park() {
            Park::Retry => {}
            Park::Sleep { timeout } => {
                parkers.wait(index, w.wake_word(), timeout);
                w.end_park();
            }
        }
    }
}

struct ThreadWaker(thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs a future to completion on this thread, parking between polls (native only).
///
/// ```
/// assert_eq!(katalyst::actor::block_on(async { 3 }), 3);
/// ```
pub fn block_on<F: Future>(f: F) -> F::Output {
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = TaskContext::from_waker(&waker);
    let mut f = std::pin::pin!(f);
    // Re-poll for a short while before parking: replies often come back within microseconds,
    // sooner than a park/unpark round trip.
    let start = Instant::now();
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        if start.elapsed() < SPIN {
            thread::yield_now();
        } else {
            thread::park();
        }
    }
}
