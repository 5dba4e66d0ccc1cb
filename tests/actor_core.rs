//! The executor-independent actor core, driven slice by slice on one hand-run worker with a
//! manual clock — exactly how a browser worker drives it. Deterministic: no threads, no sleeps.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use katalyst::actor::*;
use katalyst::error::Classify;

struct ManualClock(AtomicU64);

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_nanos(self.0.load(Ordering::SeqCst))
    }
}

impl ManualClock {
    fn set_ms(&self, ms: u64) {
        self.0.store(ms * 1_000_000, Ordering::SeqCst);
    }
}

fn system() -> (System, WorkerHandle, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock(AtomicU64::new(0)));
    let sys = System::new(
        Config {
            workers: 1,
            watchdog_limit: None,
            ..Config::default()
        },
        clock.clone(),
    )
    .expect("system");
    let w = sys.worker(0).expect("worker");
    (sys, w, clock)
}

fn run_until_idle(w: &mut WorkerHandle) {
    while w.run_slice(64) == Slice::Busy {}
}

/// Keeps the last value cast to it; answers calls with it; `-1` defers the reply until `-2`.
struct Store {
    last: i64,
    held: Option<ReplyToken>,
}

impl Behaviour for Store {
    fn handle(&mut self, m: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        match m.as_int() {
            Some(-1) => self.held = ctx.defer_reply(),
            Some(-2) => {
                if let Some(t) = self.held.take() {
                    t.reply(Message::Int(-2));
                }
            }
            Some(v) if !ctx.is_call() => self.last = v,
            _ => {}
        }
        Ok(Message::Int(self.last))
    }
}

fn store() -> Store {
    Store {
        last: 0,
        held: None,
    }
}

fn result_of(h: &CallHandle) -> Option<Result<i64, &'static str>> {
    h.try_take().map(|r| {
        r.map(|m| m.as_int().unwrap_or(i64::MIN))
            .map_err(|e| e.code())
    })
}

#[test]
fn cast_then_call_in_order() {
    let (sys, mut w, _c) = system();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    for v in 1..=5 {
        sys.cast(a, Message::Int(v)).expect("cast");
    }
    let h = sys
        .call(a, Message::Empty, Duration::from_secs(1))
        .expect("call");
    assert!(
        result_of(&h).is_none(),
        "nothing runs until the worker does"
    );
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), Some(Ok(5)));
}

#[test]
fn call_timeout_fires_on_the_clock_and_the_late_reply_is_dropped() {
    let (sys, mut w, clock) = system();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    let h = sys
        .call(a, Message::Int(-1), Duration::from_millis(100))
        .expect("call");
    run_until_idle(&mut w);
    clock.set_ms(99);
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), None);
    clock.set_ms(100);
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), Some(Err("timeout")));
    sys.cast(a, Message::Int(-2)).expect("cast"); // the actor answers now: too late
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), None);
}

#[test]
fn the_parked_worker_sleeps_until_the_next_timer() {
    let (sys, mut w, clock) = system();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    run_until_idle(&mut w);
    assert_eq!(w.begin_park(), Park::Sleep { timeout: None });
    w.end_park();
    sys.send_after(a, Message::Int(7), Duration::from_millis(50))
        .expect("timer");
    clock.set_ms(20);
    assert_eq!(
        w.begin_park(),
        Park::Sleep {
            timeout: Some(Duration::from_millis(30))
        }
    );
    w.end_park();
    clock.set_ms(49);
    run_until_idle(&mut w);
    let h = sys
        .call(a, Message::Empty, Duration::from_secs(1))
        .expect("call");
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), Some(Ok(0)), "not delivered before 50 ms");
    clock.set_ms(50);
    assert_eq!(w.begin_park(), Park::Retry, "a due timer is work");
    run_until_idle(&mut w);
    let h = sys
        .call(a, Message::Empty, Duration::from_secs(1))
        .expect("call");
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), Some(Ok(7)));
}

#[test]
fn a_cancelled_queued_call_is_skipped() {
    let (sys, mut w, _c) = system();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    let h = sys
        .call(a, Message::Int(3), Duration::from_secs(1))
        .expect("call");
    assert!(h.cancel());
    assert!(!h.cancel(), "only once");
    assert_eq!(result_of(&h), Some(Err("aborted")));
    run_until_idle(&mut w);
    let s = sys.stats();
    assert_eq!(
        s.actors.iter().find(|x| x.actor == a).map(|x| x.processed),
        Some(0)
    );
}

#[test]
fn a_busy_actor_yields_after_its_budget() {
    let (sys, mut w, _c) = system();
    let flooded = sys
        .spawn(
            store(),
            SpawnOptions {
                mailbox_capacity: Some(1000),
                ..Default::default()
            },
        )
        .expect("spawn");
    let other = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    for v in 0..1000 {
        sys.cast(flooded, Message::Int(v)).expect("cast");
    }
    let h = sys
        .call(other, Message::Empty, Duration::from_secs(1))
        .expect("call");
    assert_eq!(w.run_slice(2), Slice::Busy);
    assert_eq!(result_of(&h), Some(Ok(0)));
    let done = sys
        .stats()
        .actors
        .iter()
        .find(|x| x.actor == flooded)
        .map(|x| x.processed);
    assert_eq!(done, Some(Config::default().message_budget as u64));
    run_until_idle(&mut w);
    let h = sys
        .call(flooded, Message::Empty, Duration::from_secs(1))
        .expect("call");
    run_until_idle(&mut w);
    assert_eq!(result_of(&h), Some(Ok(999)));
}

#[test]
fn bounded_mailbox_and_noproc() {
    let (sys, mut w, _c) = system();
    let a = sys
        .spawn(
            store(),
            SpawnOptions {
                mailbox_capacity: Some(2),
                ..Default::default()
            },
        )
        .expect("spawn");
    sys.cast(a, Message::Int(1)).expect("cast");
    sys.cast(a, Message::Int(2)).expect("cast");
    assert_eq!(sys.stats().actors[0].mailbox_len, 2);
    let e = sys.cast(a, Message::Int(3)).expect_err("full");
    assert_eq!(e.code(), "mailbox_full");
    assert_eq!(e.kind(), katalyst::error::ErrorKind::Domain);
    run_until_idle(&mut w);
    sys.cast(a, Message::Int(3)).expect("room again");
    sys.stop(a, ExitReason::Normal).expect("stop");
    run_until_idle(&mut w);
    assert_eq!(
        sys.cast(a, Message::Int(4)).map_err(|e| e.code()),
        Err("noproc")
    );
    assert_eq!(sys.live(), 0);
    let e = sys
        .spawn(
            store(),
            SpawnOptions {
                mailbox_capacity: Some(0),
                ..Default::default()
            },
        )
        .expect_err("capacity 0");
    assert_eq!(e.code(), "bad_capacity");
    assert_eq!(e.kind(), katalyst::error::ErrorKind::Range);
}

#[test]
fn handler_errors_end_the_actor_with_the_reason() {
    let (sys, mut w, _c) = system();
    let a = sys
        .spawn(
            from_fn(|m, _| match m.as_int() {
                Some(0) => Err(ExitReason::error("zero is not allowed")),
                _ => Ok(m),
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let bad = sys
        .call(a, Message::Int(0), Duration::from_secs(1))
        .expect("call");
    let queued = sys
        .call(a, Message::Int(1), Duration::from_secs(1))
        .expect("call");
    run_until_idle(&mut w);
    for h in [&bad, &queued] {
        match h.try_take() {
            Some(Err(ActorError::ActorExited {
                reason: ExitReason::Error { message, .. },
                ..
            })) => assert_eq!(message, "zero is not allowed"),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(!sys.is_alive(a));
}

#[test]
fn actor_ids_round_trip_as_text_and_numbers() {
    let (sys, _w, _c) = system();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    let text = a.to_string();
    let back = ActorRef::from_id(text.parse::<ActorId>().expect("parses"));
    assert_eq!(back, a);
    assert_eq!(ActorRef::from_parts(a.to_parts()), a);
    assert!(sys.is_alive(back));
}

#[test]
fn timeouts_of_finished_calls_are_swept() {
    let (sys, mut w, _c) = system();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("spawn");
    for i in 0..10_000 {
        let h = sys
            .call(a, Message::Empty, Duration::from_secs(60))
            .expect("call");
        run_until_idle(&mut w);
        assert_eq!(result_of(&h), Some(Ok(0)), "call {i}");
    }
    let pending = sys.stats().pending_timers;
    assert!(
        pending < 5_000,
        "{pending} timers kept for 10 000 finished calls"
    );
}

#[test]
fn the_watchdog_reports_a_long_turn_then_a_hung_worker() {
    let clock = Arc::new(ManualClock(AtomicU64::new(0)));
    let sys = System::new(
        Config {
            workers: 1,
            watchdog_limit: Some(Duration::from_millis(100)),
            watchdog_hung_after: Some(Duration::from_millis(1000)),
            ..Config::default()
        },
        clock.clone(),
    )
    .expect("system");
    let mut w = sys.worker(0).expect("worker");
    // The handler stands for a long computation: it moves the clock on and lets the watchdog
    // (which normally runs on another thread) look while it is still running.
    let (s2, c2) = (sys.clone(), clock.clone());
    let a = sys
        .spawn(
            from_fn(move |m, _| {
                for ms in [50u64, 150, 900, 1200, 1300] {
                    c2.set_ms(ms);
                    s2.watchdog_scan();
                }
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    sys.cast(a, Message::Empty).expect("cast");
    run_until_idle(&mut w);
    let events = sys.take_events();
    let long: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, SystemEvent::LongHandler { actor, .. } if *actor == a))
        .collect();
    let hung: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, SystemEvent::WorkerHung { actor, worker: 0, .. } if *actor == a))
        .collect();
    assert_eq!((long.len(), hung.len()), (1, 1), "{events:?}");
    assert!(
        matches!(long[0], SystemEvent::LongHandler { running_for, .. } if *running_for == Duration::from_millis(150))
    );
    assert!(
        matches!(hung[0], SystemEvent::WorkerHung { running_for, .. } if *running_for == Duration::from_millis(1200))
    );
    assert!(sys.is_alive(a), "only reported: watchdog_stop is off");
    assert_eq!(sys.stats().watchdog_reports, 1);
}

/// Records which workers were unparked.
#[derive(Default)]
struct Unparks(std::sync::Mutex<Vec<usize>>);

impl Unpark for Unparks {
    fn unpark(&self, worker: usize) {
        self.0.lock().expect("unparks").push(worker);
    }
}

impl Unparks {
    fn take(&self) -> Vec<usize> {
        std::mem::take(&mut *self.0.lock().expect("unparks"))
    }
}

/// A system of two hand-driven workers on a stopped clock, recording unparks.
fn two_workers() -> (System, Arc<Unparks>, WorkerHandle, WorkerHandle) {
    let clock = Arc::new(ManualClock(AtomicU64::new(0)));
    let sys = System::new(
        Config {
            workers: 2,
            watchdog_limit: None,
            ..Config::default()
        },
        clock,
    )
    .expect("system");
    let unparks = Arc::new(Unparks::default());
    assert!(sys.set_unpark(unparks.clone()));
    let (w0, w1) = (sys.worker(0).expect("w0"), sys.worker(1).expect("w1"));
    (sys, unparks, w0, w1)
}

#[test]
fn work_queued_while_a_worker_searches_wakes_no_sleeper_unless_more_waits() {
    let (sys, unparks, mut w0, mut w1) = two_workers();
    let (a, b) = (
        sys.spawn(store(), SpawnOptions::default()).expect("a"),
        sys.spawn(store(), SpawnOptions::default()).expect("b"),
    );
    run_until_idle(&mut w0);
    assert!(matches!(w1.begin_park(), Park::Sleep { .. }));
    unparks.take();

    // A searcher is looking: it takes the work, the sleeper sleeps on.
    assert!(w0.begin_search());
    sys.cast(a, Message::Int(1)).expect("cast");
    assert_eq!(unparks.take(), Vec::<usize>::new());
    assert_eq!(w0.run_slice(1), Slice::Busy);
    assert_eq!(unparks.take(), Vec::<usize>::new(), "nothing else waited");
    run_until_idle(&mut w0);

    // Nobody searches: queued work wakes the sleeper.
    sys.cast(a, Message::Int(2)).expect("cast");
    assert_eq!(unparks.take(), vec![1]);
    w1.end_park();
    run_until_idle(&mut w0);
    assert!(matches!(w1.begin_park(), Park::Sleep { .. }));

    // The last searcher takes one actor and leaves another queued: it wakes the sleeper for it.
    assert!(w0.begin_search());
    sys.cast(a, Message::Int(3)).expect("cast");
    sys.cast(b, Message::Int(3)).expect("cast");
    assert_eq!(unparks.take(), Vec::<usize>::new());
    assert_eq!(w0.run_slice(1), Slice::Busy);
    assert_eq!(unparks.take(), vec![1]);
    w1.end_park();

    // Parking ends the search: then the other worker may search.
    run_until_idle(&mut w0);
    assert!(w0.begin_search());
    assert!(!w1.begin_search(), "one searcher of two workers");
    assert!(matches!(w0.begin_park(), Park::Sleep { .. }));
    assert!(w1.begin_search());
}

#[test]
fn a_new_earliest_timer_wakes_a_sleeper_even_while_another_worker_searches() {
    let (sys, unparks, mut w0, mut w1) = two_workers();
    let a = sys.spawn(store(), SpawnOptions::default()).expect("a");
    run_until_idle(&mut w0);
    assert_eq!(w1.begin_park(), Park::Sleep { timeout: None });
    unparks.take();

    // w0 searches and will take the call's turn, which may outlast the call's timeout (a
    // native test saw a 300 ms handler answer a 50 ms call): the sleeper must wake and
    // recompute its timeout, or nobody fires the timer in time.
    assert!(w0.begin_search());
    let h = sys
        .call(a, Message::Int(-1), Duration::from_millis(50))
        .expect("call");
    assert_eq!(unparks.take(), vec![1], "the sleeper was woken");
    w1.end_park();
    assert_eq!(w0.run_slice(1), Slice::Busy);
    assert_eq!(
        w1.begin_park(),
        Park::Sleep {
            timeout: Some(Duration::from_millis(50))
        }
    );

    // A later deadline changes no parked worker's timeout: no wake per call (w0 searches, so
    // the call's work wakes nobody either).
    assert!(w0.begin_search());
    let later = sys
        .call(a, Message::Empty, Duration::from_secs(5))
        .expect("call");
    assert_eq!(unparks.take(), Vec::<usize>::new());
    run_until_idle(&mut w0);
    assert_eq!(result_of(&later), Some(Ok(0)));
    assert_eq!(result_of(&h), None, "held by the actor, not yet timed out");
}
