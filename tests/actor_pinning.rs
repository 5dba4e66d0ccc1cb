//! Actors pinned to a worker (`SpawnOptions::worker`) and the `'ping'` built-in that times
//! actor-to-actor call round trips, on the native executor (one OS thread per worker).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use katalyst::actor::*;
use katalyst::error::Classify;

const LONG: Duration = Duration::from_secs(20);

fn executor(workers: usize) -> NativeExecutor {
    NativeExecutor::start(Config {
        workers,
        ..Config::default()
    })
    .expect("executor starts")
}

fn pinned(worker: usize) -> SpawnOptions {
    SpawnOptions {
        worker: Some(worker),
        ..SpawnOptions::default()
    }
}

/// Records the thread each message ran on, and counts the messages.
fn recorder(threads: Arc<Mutex<HashSet<ThreadId>>>) -> impl Behaviour {
    let mut count = 0i64;
    from_fn(move |_m, _| {
        threads.lock().unwrap().insert(thread::current().id());
        count += 1;
        Ok(Message::Int(count))
    })
}

#[test]
fn a_pinned_actor_runs_only_on_its_worker_and_loses_nothing() {
    let ex = executor(2);
    let sys = ex.system().clone();
    let seen: Vec<_> = (0..2)
        .map(|_| Arc::new(Mutex::new(HashSet::new())))
        .collect();
    let actors: Vec<_> = (0..2)
        .map(|w| sys.spawn(recorder(seen[w].clone()), pinned(w)).unwrap())
        .collect();
    // Busy unpinned actors too, so both workers have other work to steal and share.
    let others: Vec<_> = (0..8)
        .map(|_| {
            sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
                .unwrap()
        })
        .collect();
    let senders: Vec<_> = (0..3)
        .map(|_| {
            let (sys, actors, others) = (sys.clone(), actors.clone(), others.clone());
            thread::spawn(move || {
                for i in 0..300 {
                    for &a in &actors {
                        block_on(sys.cast_wait(a, Message::Int(i))).unwrap();
                    }
                    for &o in &others {
                        let _ = sys.cast(o, Message::Int(i));
                    }
                }
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }
    let mut threads = Vec::new();
    for (w, &a) in actors.iter().enumerate() {
        let total = sys.call(a, Message::Empty, LONG).unwrap().wait().unwrap();
        assert_eq!(
            total.as_int(),
            Some(3 * 300 + 1),
            "actor pinned to worker {w}"
        );
        let t = seen[w].lock().unwrap().clone();
        assert_eq!(
            t.len(),
            1,
            "actor pinned to worker {w} ran on {} threads",
            t.len()
        );
        threads.extend(t);
    }
    assert_ne!(threads[0], threads[1], "two workers, one thread");
}

#[test]
fn pinning_to_a_worker_the_system_lacks_is_a_range_error() {
    let ex = executor(2);
    let e = ex
        .system()
        .spawn(from_fn(|m, _| Ok(m)), pinned(2))
        .unwrap_err();
    assert_eq!(e.code(), "bad_worker");
    assert!(matches!(e.kind(), katalyst::error::ErrorKind::Range));
    assert!(e.to_string().contains("below 2, got 2"), "{e}");
    assert_eq!(ex.system().stats().live, 0);
}

fn ping_request(target: ActorRef, n: u32) -> Message {
    let id = target.id();
    let mut b = Vec::new();
    for w in [id.slot, id.generation, n] {
        b.extend_from_slice(&w.to_le_bytes());
    }
    Message::Bytes(b)
}

#[test]
fn ping_times_round_trips_to_an_actor_on_another_worker() {
    let ex = executor(2);
    let sys = ex.system();
    register_builtins(sys);
    let seen = Arc::new(Mutex::new(HashSet::new()));
    let echo = sys
        .spawn(
            {
                let seen = seen.clone();
                from_fn(move |m, _| {
                    seen.lock().unwrap().insert(thread::current().id());
                    Ok(m)
                })
            },
            pinned(1),
        )
        .unwrap();
    let ping = sys.spawn_named("ping", Message::Empty, pinned(0)).unwrap();
    let t0 = std::time::Instant::now();
    let ns = sys
        .call(ping, ping_request(echo, 1000), LONG)
        .unwrap()
        .wait()
        .unwrap();
    let wall = t0.elapsed();
    let ns = ns.as_int().expect("nanoseconds");
    assert!(
        ns > 0 && (ns as u128) <= wall.as_nanos(),
        "{ns} ns in {wall:?}"
    );
    let echo_threads = seen.lock().unwrap().clone();
    assert_eq!(echo_threads.len(), 1);
    // The ping ran its calls from worker 0's thread, the echo answered on worker 1's.
    let probe = Arc::new(Mutex::new(HashSet::new()));
    let on0 = sys.spawn(recorder(probe.clone()), pinned(0)).unwrap();
    sys.call(on0, Message::Empty, LONG).unwrap().wait().unwrap();
    assert!(probe.lock().unwrap().is_disjoint(&echo_threads));
}

#[test]
fn ping_reports_bad_requests_and_wrong_echoes_to_its_caller() {
    let ex = executor(2);
    let sys = ex.system();
    register_builtins(sys);
    let ping = sys
        .spawn_named("ping", Message::Empty, SpawnOptions::default())
        .unwrap();
    let e = sys
        .call(ping, Message::Bytes(vec![1, 2, 3]), LONG)
        .unwrap()
        .wait()
        .unwrap_err();
    assert_eq!(e.code(), "bad_args");
    let counter = sys
        .spawn_named("counter", Message::Int(5), SpawnOptions::default())
        .unwrap();
    let e = sys
        .call(ping, ping_request(counter, 3), LONG)
        .unwrap()
        .wait()
        .unwrap_err();
    assert!(e.to_string().contains("did not echo 0"), "{e}");
    let e = sys
        .call(ping, ping_request(counter, 0), LONG)
        .unwrap()
        .wait()
        .unwrap_err();
    assert!(e.to_string().contains("at least 1"), "{e}");
    sys.stop(counter, ExitReason::Normal).unwrap();
    // `stop` is asynchronous: wait until the counter is gone, so ping meets no process rather
    // than one exiting under its call (`actor_exited`, seen once in CI).
    let t0 = std::time::Instant::now();
    while sys.load_of(counter).is_some() {
        assert!(t0.elapsed() < LONG, "counter still alive");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let e = sys
        .call(ping, ping_request(counter, 2), LONG)
        .unwrap()
        .wait()
        .unwrap_err();
    assert_eq!(e.code(), "noproc");
    // Still serving: a good run after the failures.
    let echo = sys
        .spawn_named("echo", Message::Empty, SpawnOptions::default())
        .unwrap();
    let ns = sys
        .call(ping, ping_request(echo, 5), LONG)
        .unwrap()
        .wait()
        .unwrap();
    assert!(ns.as_int().unwrap() > 0);
}

/// A held actor (an async JS handler awaiting something) is queued again when the hold is
/// released from another thread: a pinned one must go back to its own worker, where its JS
/// state lives. (It went to the shared queue, and a page test saw the state missing.)
#[test]
fn a_pinned_actor_returns_to_its_worker_after_a_hold() {
    let ex = executor(2);
    let sys = ex.system().clone();
    let seen = Arc::new(Mutex::new(HashSet::new()));
    let (tx, rx) = std::sync::mpsc::channel::<Hold>();
    let tx = Mutex::new(tx);
    let seen2 = seen.clone();
    let held = from_fn(move |m, ctx| {
        seen2.lock().unwrap().insert(thread::current().id());
        if m.as_int().is_some() {
            let _ = tx.lock().unwrap().send(ctx.hold());
        }
        Ok(Message::Empty)
    });
    let a = sys.spawn(held, pinned(1)).unwrap();
    let releaser = thread::spawn(move || {
        for hold in rx {
            thread::sleep(Duration::from_micros(200));
            hold.release();
        }
    });
    for i in 0..100 {
        sys.cast(a, Message::Int(i)).unwrap();
        thread::sleep(Duration::from_micros(300));
    }
    sys.call(a, Message::Empty, LONG).unwrap().wait().unwrap();
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "the pinned actor ran on more than one worker"
    );
    drop(sys);
    drop(ex);
    let _ = releaser.join();
}
