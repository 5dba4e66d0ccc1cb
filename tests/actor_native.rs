//! The actor runtime on the native executor: delivery, order, calls, faults, backpressure,
//! fairness and timers. Timing bounds are generous (2 busy cores).
#![cfg(not(target_arch = "wasm32"))]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

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

fn echo() -> impl Behaviour {
    from_fn(|m, _| Ok(m))
}

/// A behaviour that blocks in its handler until the gate opens (to hold messages queued).
fn gated(
    gate: Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    seen: Arc<AtomicUsize>,
) -> impl Behaviour {
    from_fn(move |m, _| {
        seen.fetch_add(1, Ordering::SeqCst);
        if m.as_int() == Some(-1) {
            let (lock, cv) = &*gate;
            let mut open = lock.lock().expect("gate lock");
            while !*open {
                open = cv.wait(open).expect("gate wait");
            }
        }
        Ok(m)
    })
}

fn new_gate() -> Arc<(std::sync::Mutex<bool>, std::sync::Condvar)> {
    Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()))
}

fn open(gate: &Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>) {
    *gate.0.lock().expect("gate lock") = true;
    gate.1.notify_all();
}

/// Waits until `f` holds, up to `LONG`.
fn eventually(mut f: impl FnMut() -> bool) -> bool {
    let t = Instant::now();
    while t.elapsed() < LONG {
        if f() {
            return true;
        }
        thread::sleep(Duration::from_millis(1));
    }
    false
}

/// Per-sender sequence checker: remembers the last sequence number of each sender.
struct Checker {
    next: Vec<i64>,
    received: i64,
    violations: i64,
}

impl Behaviour for Checker {
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        if ctx.is_call() {
            return Ok(Message::value((
                self.received,
                self.violations,
                self.next.clone(),
            )));
        }
        let v = msg.as_int().unwrap_or(-1);
        let (sender, seq) = ((v >> 32) as usize, v & 0xffff_ffff);
        match self.next.get_mut(sender) {
            Some(n) if *n == seq => *n += 1,
            _ => self.violations += 1,
        }
        self.received += 1;
        Ok(Message::Empty)
    }
}

#[test]
fn thousand_actors_thousand_messages_each_no_loss_no_duplicate_in_sender_order() {
    let ex = executor(2);
    let sys = ex.system().clone();
    let senders = 4usize;
    let per_sender = 250i64; // to each actor: 4 × 250 = 1 000 messages
    let actors: Vec<ActorRef> = (0..1000)
        .map(|_| {
            sys.spawn(
                Checker {
                    next: vec![0; senders],
                    received: 0,
                    violations: 0,
                },
                SpawnOptions {
                    mailbox_capacity: Some(64), // small: senders really wait
                    ..Default::default()
                },
            )
            .expect("spawn")
        })
        .collect();
    let actors = Arc::new(actors);
    let handles: Vec<_> = (0..senders)
        .map(|s| {
            let sys = sys.clone();
            let actors = actors.clone();
            thread::spawn(move || {
                for seq in 0..per_sender {
                    for a in actors.iter() {
                        let m = Message::Int(((s as i64) << 32) | seq);
                        block_on(sys.cast_wait(*a, m)).expect("cast");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("sender");
    }
    for a in actors.iter() {
        let r = sys
            .call(*a, Message::Empty, LONG)
            .expect("call")
            .wait()
            .expect("reply");
        let (received, violations, next) = r.downcast::<(i64, i64, Vec<i64>)>().expect("report");
        assert_eq!(violations, 0, "actor {a}: out of order or duplicated");
        assert_eq!(
            received,
            senders as i64 * per_sender,
            "actor {a}: lost messages"
        );
        assert!(next.iter().all(|n| *n == per_sender));
    }
    let stats = sys.stats();
    assert_eq!(stats.live, 1000);
    let processed: u64 = stats.actors.iter().map(|a| a.processed).sum();
    assert_eq!(processed, 1000 * 1000 + 1000);
}

#[test]
fn an_actor_never_runs_on_two_workers_at_once() {
    let ex = executor(4);
    let sys = ex.system().clone();
    let inside = Arc::new(AtomicBool::new(false));
    let overlaps = Arc::new(AtomicUsize::new(0));
    let (i2, o2) = (inside.clone(), overlaps.clone());
    let a = sys
        .spawn(
            from_fn(move |m, _| {
                if i2.swap(true, Ordering::SeqCst) {
                    o2.fetch_add(1, Ordering::SeqCst);
                }
                std::hint::spin_loop();
                i2.store(false, Ordering::SeqCst);
                Ok(m)
            }),
            SpawnOptions {
                mailbox_capacity: Some(100_000),
                ..Default::default()
            },
        )
        .expect("spawn");
    let hs: Vec<_> = (0..4)
        .map(|_| {
            let sys = sys.clone();
            thread::spawn(move || {
                for i in 0..5_000 {
                    sys.cast(a, Message::Int(i)).expect("cast");
                }
            })
        })
        .collect();
    for h in hs {
        h.join().expect("sender");
    }
    sys.call(a, Message::Empty, LONG)
        .expect("call")
        .wait()
        .expect("reply");
    assert_eq!(overlaps.load(Ordering::SeqCst), 0);
    let s = sys.stats();
    assert_eq!(
        s.actors.iter().find(|x| x.actor == a).map(|x| x.processed),
        Some(20_001)
    );
}

#[test]
fn call_times_out_and_the_late_reply_is_dropped() {
    let ex = executor(2);
    let sys = ex.system();
    let slow = sys
        .spawn(
            from_fn(|m, _| {
                if m.as_int() == Some(1) {
                    thread::sleep(Duration::from_millis(300));
                }
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let t = Instant::now();
    let r = sys
        .call(slow, Message::Int(1), Duration::from_millis(50))
        .expect("call")
        .wait();
    let took = t.elapsed();
    let e = r.expect_err("must time out");
    assert_eq!(e.code(), "timeout");
    assert!(
        took >= Duration::from_millis(50),
        "timed out early: {took:?}"
    );
    assert!(
        took < Duration::from_millis(290),
        "timed out late: {took:?}"
    );
    // The next call gets its own reply, not the late one.
    let r = sys.call(slow, Message::Int(2), LONG).expect("call").wait();
    assert_eq!(r.expect("reply").as_int(), Some(2));
}

#[test]
fn a_cancelled_call_that_has_not_started_is_never_handled() {
    let ex = executor(2);
    let sys = ex.system();
    let gate = new_gate();
    let seen = Arc::new(AtomicUsize::new(0));
    let a = sys
        .spawn(gated(gate.clone(), seen.clone()), SpawnOptions::default())
        .expect("spawn");
    sys.cast(a, Message::Int(-1)).expect("cast"); // blocks the actor
    assert!(eventually(|| seen.load(Ordering::SeqCst) == 1));
    let cancelled = sys.call(a, Message::Int(7), LONG).expect("call");
    let dropped = sys.call(a, Message::Int(8), LONG).expect("call");
    assert!(cancelled.cancel());
    drop(dropped); // dropping the handle aborts too
    let e = cancelled.wait().expect_err("aborted");
    assert_eq!(e.code(), "aborted");
    open(&gate);
    let r = sys.call(a, Message::Int(9), LONG).expect("call").wait();
    assert_eq!(r.expect("reply").as_int(), Some(9));
    assert_eq!(
        seen.load(Ordering::SeqCst),
        2,
        "only the gate message and the last call ran"
    );
}

#[test]
fn a_panic_ends_only_that_actor_and_in_flight_calls_get_actor_exited() {
    let ex = executor(2);
    let sys = ex.system();
    let gate = new_gate();
    let seen = Arc::new(AtomicUsize::new(0));
    let g2 = gate.clone();
    let bomb = sys
        .spawn(
            from_fn(move |m, _| {
                if m.as_int() == Some(-1) {
                    let (lock, cv) = &*g2;
                    let mut open = lock.lock().expect("lock");
                    while !*open {
                        open = cv.wait(open).expect("wait");
                    }
                }
                if m.as_int() == Some(13) {
                    panic!("unlucky number {}", 13);
                }
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let other = sys
        .spawn(gated(new_gate(), seen.clone()), SpawnOptions::default())
        .expect("spawn");
    sys.cast(bomb, Message::Int(-1)).expect("cast");
    let boom = sys.call(bomb, Message::Int(13), LONG).expect("call");
    let queued = sys.call(bomb, Message::Int(1), LONG).expect("call");
    open(&gate);
    let e = boom.wait().expect_err("exited");
    assert_eq!(e.code(), "actor_exited");
    match &e {
        ActorError::ActorExited {
            reason: ExitReason::Error { message, backtrace },
            ..
        } => {
            assert!(message.contains("unlucky number 13"), "{message}");
            assert!(backtrace.is_some());
        }
        other => panic!("unexpected {other:?}"),
    }
    let e = queued.wait().expect_err("exited");
    assert_eq!(e.code(), "actor_exited");
    assert!(e.to_string().contains("unlucky number 13"));
    // The dead actor answers noproc; the other one and the workers carry on.
    let e = sys.call(bomb, Message::Int(1), LONG).expect_err("noproc");
    assert_eq!(e.code(), "noproc");
    for i in 0..100 {
        let r = sys.call(other, Message::Int(i), LONG).expect("call").wait();
        assert_eq!(r.expect("reply").as_int(), Some(i));
    }
    // The exit is recorded just after the callers were answered.
    let mut events = Vec::new();
    assert!(eventually(|| {
        events.extend(sys.take_events());
        events
            .iter()
            .any(|ev| matches!(ev, SystemEvent::Exited { actor, .. } if *actor == bomb))
    }));
    assert_eq!(sys.stats().failed, 1);
}

#[test]
fn noproc_for_unknown_stale_and_dead_refs() {
    let ex = executor(1);
    let sys = ex.system();
    let never = ActorRef::from_id(ActorId {
        node: 0,
        slot: 123_456,
        generation: 1,
    });
    let remote = ActorRef::from_id(ActorId {
        node: 9,
        slot: 0,
        generation: 1,
    });
    for r in [never, remote] {
        assert_eq!(
            sys.cast(r, Message::Empty).map_err(|e| e.code()),
            Err("noproc")
        );
        assert_eq!(
            sys.call(r, Message::Empty, LONG).err().map(|e| e.code()),
            Some("noproc")
        );
        assert_eq!(
            sys.stop(r, ExitReason::Normal).map_err(|e| e.code()),
            Err("noproc")
        );
        assert_eq!(
            sys.send_after(r, Message::Empty, LONG)
                .err()
                .map(|e| e.code()),
            Some("noproc")
        );
    }
    let a = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
    sys.stop(a, ExitReason::Normal).expect("stop");
    assert!(eventually(|| !sys.is_alive(a)));
    assert_eq!(
        sys.cast(a, Message::Empty).map_err(|e| e.code()),
        Err("noproc")
    );
    // The slot is reused by a new actor; the old reference still answers noproc.
    // (The slot returns to the free list at the very end of the exiting turn.)
    let mut b = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
    assert!(eventually(|| {
        if b.id().slot == a.id().slot {
            return true;
        }
        let _ = sys.stop(b, ExitReason::Normal);
        b = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
        false
    }));
    assert_ne!(b.id().generation, a.id().generation);
    assert_eq!(
        sys.call(a, Message::Empty, LONG).err().map(|e| e.code()),
        Some("noproc")
    );
    assert_eq!(
        sys.call(b, Message::Int(5), LONG)
            .expect("call")
            .wait()
            .expect("reply")
            .as_int(),
        Some(5)
    );
}

#[test]
fn stop_fails_queued_calls_with_the_reason_and_runs_terminate_except_on_kill() {
    struct T(
        Arc<AtomicUsize>,
        Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    );
    impl Behaviour for T {
        fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
            if m.as_int() == Some(-1) {
                let (lock, cv) = &*self.1;
                let mut open = lock.lock().expect("lock");
                while !*open {
                    open = cv.wait(open).expect("wait");
                }
            }
            Ok(m)
        }
        fn terminate(&mut self, _r: &ExitReason) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let ex = executor(2);
    let sys = ex.system();
    let terminated = Arc::new(AtomicUsize::new(0));
    let gate = new_gate();
    let a = sys
        .spawn(T(terminated.clone(), gate.clone()), SpawnOptions::default())
        .expect("spawn");
    sys.cast(a, Message::Int(-1)).expect("cast");
    let queued = sys.call(a, Message::Int(1), LONG).expect("call");
    sys.stop(a, ExitReason::Shutdown).expect("stop");
    open(&gate);
    let e = queued.wait().expect_err("exited");
    assert_eq!(
        e,
        ActorError::ActorExited {
            actor: a.id(),
            reason: ExitReason::Shutdown
        }
    );
    assert!(eventually(|| terminated.load(Ordering::SeqCst) == 1));
    let b = sys
        .spawn(T(terminated.clone(), new_gate()), SpawnOptions::default())
        .expect("spawn");
    sys.stop(b, ExitReason::Kill).expect("stop");
    assert!(eventually(|| !sys.is_alive(b)));
    thread::sleep(Duration::from_millis(20));
    assert_eq!(terminated.load(Ordering::SeqCst), 1, "kill skips terminate");
}

#[test]
fn full_mailbox_rejects_casts_unless_the_sender_waits() {
    let ex = executor(2);
    let sys = ex.system().clone();
    let gate = new_gate();
    let seen = Arc::new(AtomicUsize::new(0));
    let a = sys
        .spawn(
            gated(gate.clone(), seen.clone()),
            SpawnOptions {
                mailbox_capacity: Some(4),
                ..Default::default()
            },
        )
        .expect("spawn");
    sys.cast(a, Message::Int(-1)).expect("cast");
    assert!(eventually(|| seen.load(Ordering::SeqCst) == 1));
    for i in 0..4 {
        sys.cast(a, Message::Int(i)).expect("room for 4");
    }
    let e = sys.cast(a, Message::Int(4)).expect_err("full");
    assert_eq!(e.code(), "mailbox_full");
    assert_eq!(
        sys.call(a, Message::Empty, LONG).err().map(|e| e.code()),
        Some("mailbox_full")
    );
    let s2 = sys.clone();
    let waiter = thread::spawn(move || block_on(s2.cast_wait(a, Message::Int(5))));
    thread::sleep(Duration::from_millis(30));
    assert!(!waiter.is_finished(), "waits while full");
    assert_eq!(
        sys.stats()
            .actors
            .iter()
            .find(|x| x.actor == a)
            .map(|x| x.mailbox_len),
        Some(4)
    );
    open(&gate);
    waiter.join().expect("waiter").expect("queued once room");
    assert!(eventually(|| seen.load(Ordering::SeqCst) == 6));
}

#[test]
fn a_flooded_actor_does_not_starve_another_on_the_same_worker() {
    let ex = executor(1);
    let sys = ex.system();
    let total = 20_000;
    let flooded = sys
        .spawn(
            from_fn(|m, _| {
                // About 20 µs of work per message: the whole flood takes ≥ 0.4 s.
                let t = Instant::now();
                while t.elapsed() < Duration::from_micros(20) {
                    std::hint::spin_loop();
                }
                Ok(m)
            }),
            SpawnOptions {
                mailbox_capacity: Some(total + 10),
                ..Default::default()
            },
        )
        .expect("spawn");
    let other = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
    for i in 0..total {
        sys.cast(flooded, Message::Int(i as i64)).expect("cast");
    }
    let r = sys.call(other, Message::Int(1), LONG).expect("call").wait();
    assert_eq!(r.expect("reply").as_int(), Some(1));
    let done = sys
        .stats()
        .actors
        .iter()
        .find(|x| x.actor == flooded)
        .map(|x| x.processed)
        .unwrap_or(0);
    assert!(
        done < 2_000,
        "the other actor waited for {done} flooded messages"
    );
}

#[test]
fn send_after_arrives_after_the_delay_and_cancel_stops_it() {
    let ex = executor(2);
    let sys = ex.system();
    let (tx, rx) = mpsc::channel::<(i64, Instant)>();
    let tx = std::sync::Mutex::new(tx);
    let a = sys
        .spawn(
            from_fn(move |m, _| {
                let _ = tx
                    .lock()
                    .expect("tx")
                    .send((m.as_int().unwrap_or(0), Instant::now()));
                Ok(Message::Empty)
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let t0 = Instant::now();
    let cancelled = sys
        .send_after(a, Message::Int(2), Duration::from_millis(30))
        .expect("timer");
    sys.send_after(a, Message::Int(1), Duration::from_millis(60))
        .expect("timer");
    cancelled.cancel();
    let (v, at) = rx.recv_timeout(LONG).expect("delivered");
    assert_eq!(v, 1, "the cancelled timer must not fire");
    let took = at - t0;
    assert!(took >= Duration::from_millis(60), "early: {took:?}");
    assert!(took < Duration::from_millis(60 + 500), "late: {took:?}");
    assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
}

#[test]
fn calls_between_actors_get_replies_and_timeouts() {
    struct Asker {
        target: ActorRef,
        out: mpsc::Sender<Result<i64, &'static str>>,
    }
    impl Behaviour for Asker {
        fn handle(&mut self, m: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
            let timeout = Duration::from_millis(m.as_int().unwrap_or(1000) as u64);
            ctx.call(self.target, Message::Int(41), timeout)
                .map_err(|e| ExitReason::error(e.to_string()))?;
            Ok(Message::Empty)
        }
        fn handle_reply(
            &mut self,
            _id: RequestId,
            r: Result<Message, ActorError>,
            _: &mut Context<'_>,
        ) -> Result<(), ExitReason> {
            let _ = self
                .out
                .send(r.map(|m| m.as_int().unwrap_or(0)).map_err(|e| e.code()));
            Ok(())
        }
    }
    let ex = executor(2);
    let sys = ex.system();
    let slow_once = Arc::new(AtomicBool::new(true));
    let target = sys
        .spawn(
            from_fn(move |m, ctx| {
                assert!(ctx.sender().is_some());
                if slow_once.swap(false, Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(200));
                }
                Ok(Message::Int(m.as_int().unwrap_or(0) + 1))
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let (tx, rx) = mpsc::channel();
    let asker = sys
        .spawn(Asker { target, out: tx }, SpawnOptions::default())
        .expect("spawn");
    sys.cast(asker, Message::Int(30)).expect("cast");
    assert_eq!(rx.recv_timeout(LONG).expect("result"), Err("timeout"));
    sys.cast(asker, Message::Int(10_000)).expect("cast");
    assert_eq!(rx.recv_timeout(LONG).expect("result"), Ok(42));
    // The late reply of the first call never reached handle_reply.
    assert!(rx.recv_timeout(Duration::from_millis(250)).is_err());
}

#[test]
fn deferred_reply_tokens_report_no_reply_or_the_exit_reason() {
    struct Holder(Option<ReplyToken>);
    impl Behaviour for Holder {
        fn handle(&mut self, m: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
            match m.as_int() {
                Some(0) => drop(ctx.defer_reply()),
                Some(1) => self.0 = ctx.defer_reply(),
                _ => return Err(ExitReason::error("told to fail")),
            }
            Ok(Message::Empty)
        }
    }
    let ex = executor(2);
    let sys = ex.system();
    let a = sys
        .spawn(Holder(None), SpawnOptions::default())
        .expect("spawn");
    let e = sys
        .call(a, Message::Int(0), LONG)
        .expect("call")
        .wait()
        .expect_err("no reply");
    assert_eq!(e.code(), "no_reply");
    let held = sys.call(a, Message::Int(1), LONG).expect("call");
    sys.cast(a, Message::Int(2)).expect("cast");
    let e = held.wait().expect_err("exited");
    assert_eq!(e.code(), "actor_exited");
    assert!(e.to_string().contains("told to fail"));
}

#[test]
fn init_failure_ends_the_actor_and_fails_its_queued_calls() {
    struct BadInit;
    impl Behaviour for BadInit {
        fn init(&mut self, _: &mut Context<'_>) -> Result<(), ExitReason> {
            Err(ExitReason::error("cannot start"))
        }
        fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
            Ok(m)
        }
    }
    let ex = executor(1);
    let sys = ex.system();
    let a = sys.spawn(BadInit, SpawnOptions::default()).expect("spawn");
    match sys.call(a, Message::Empty, LONG) {
        Ok(h) => {
            let e = h.wait().expect_err("fails");
            assert!(matches!(e.code(), "actor_exited" | "noproc"), "{e}");
        }
        Err(e) => assert_eq!(e.code(), "noproc"),
    }
    assert!(eventually(|| !sys.is_alive(a)));
}

#[test]
fn names_register_resolve_and_are_released_on_exit() {
    let ex = executor(2);
    let sys = ex.system();
    let a = sys
        .spawn(
            echo(),
            SpawnOptions {
                name: Some("db".into()),
                ..Default::default()
            },
        )
        .expect("spawn");
    let b = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
    assert_eq!(sys.whereis("db"), Some(a));
    assert_eq!(
        sys.register("db", b).map_err(|e| e.code()),
        Err("name_taken")
    );
    assert_eq!(sys.register("", b).map_err(|e| e.code()), Err("bad_name"));
    let dup = sys.spawn(
        echo(),
        SpawnOptions {
            name: Some("db".into()),
            ..Default::default()
        },
    );
    assert_eq!(dup.err().map(|e| e.code()), Some("name_taken"));
    assert_eq!(sys.live(), 2, "a refused spawn leaves nothing behind");
    sys.stop(a, ExitReason::Normal).expect("stop");
    assert!(eventually(|| sys.whereis("db").is_none()));
    sys.register("db", b).expect("free again");
    assert_eq!(sys.whereis("db"), Some(b));
    assert_eq!(
        sys.stats()
            .actors
            .iter()
            .find(|x| x.actor == b)
            .map(|x| x.names.clone()),
        Some(vec!["db".to_string()])
    );
}

#[test]
fn stats_report_mailbox_processed_service_time_and_load() {
    let ex = executor(2);
    let sys = ex.system();
    let a = sys
        .spawn(
            from_fn(|m, _| {
                thread::sleep(Duration::from_millis(2));
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    for i in 0..10 {
        sys.cast(a, Message::Int(i)).expect("cast");
    }
    sys.call(a, Message::Empty, LONG)
        .expect("call")
        .wait()
        .expect("reply");
    let s = sys.stats();
    let mine = s.actors.iter().find(|x| x.actor == a).expect("listed");
    assert_eq!(mine.processed, 11);
    assert_eq!(mine.errors, 0);
    assert!(
        mine.mean_service_time >= Duration::from_millis(1),
        "{:?}",
        mine.mean_service_time
    );
    assert_eq!(s.workers.len(), 2);
    // Worker figures are added at the end of each turn, just after the reply went out.
    assert!(eventually(|| sys
        .stats()
        .workers
        .iter()
        .map(|w| w.messages)
        .sum::<u64>()
        >= 11));
    let s = sys.stats();
    assert!(s.workers.iter().any(|w| w.load > 0.0));
    assert!(s.workers.iter().all(|w| (0.0..=1.0).contains(&w.load)));
}

#[test]
fn the_watchdog_reports_a_long_handler_and_can_stop_its_actor() {
    let ex = NativeExecutor::start(Config {
        workers: 2,
        watchdog_limit: Some(Duration::from_millis(40)),
        watchdog_stop: true,
        ..Config::default()
    })
    .expect("executor");
    let sys = ex.system();
    let a = sys
        .spawn(
            from_fn(|m, _| {
                thread::sleep(Duration::from_millis(300));
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let other = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
    sys.cast(a, Message::Empty).expect("cast");
    // The other worker keeps serving while one is stuck.
    let r = sys.call(other, Message::Int(3), LONG).expect("call").wait();
    assert_eq!(r.expect("reply").as_int(), Some(3));
    let mut events = Vec::new();
    assert!(eventually(|| {
        events.extend(sys.take_events());
        events
            .iter()
            .any(|e| matches!(e, SystemEvent::Exited { actor, .. } if *actor == a))
    }));
    assert!(events
        .iter()
        .any(|e| matches!(e, SystemEvent::LongHandler { actor, .. } if *actor == a)));
    assert!(events.iter().any(|e| matches!(e,
        SystemEvent::Exited { actor, reason: ExitReason::Error { message, .. } } if *actor == a && message.contains("watchdog"))));
    assert!(sys.stats().watchdog_reports >= 1);
}

#[test]
fn spawn_and_stop_churn_reuses_slots() {
    let ex = executor(2);
    let sys = ex.system();
    for round in 0..20 {
        let refs: Vec<ActorRef> = (0..500)
            .map(|_| sys.spawn(echo(), SpawnOptions::default()).expect("spawn"))
            .collect();
        for r in &refs {
            sys.stop(*r, ExitReason::Normal).expect("stop");
        }
        assert!(eventually(|| sys.live() == 0), "round {round}");
    }
    let s = sys.stats();
    assert_eq!(s.spawned, 10_000);
    assert_eq!(s.exited, 10_000);
    assert_eq!(s.failed, 0);
    let max_slot = sys
        .spawn(echo(), SpawnOptions::default())
        .expect("spawn")
        .id()
        .slot;
    assert!(max_slot < 2_000, "slots are reused (got slot {max_slot})");
}

#[test]
fn actors_spawn_children_and_external_threads_hammer_them_concurrently() {
    let ex = executor(2);
    let sys = ex.system().clone();
    let start = Arc::new(Barrier::new(3));
    let hs: Vec<_> = (0..3)
        .map(|_| {
            let sys = sys.clone();
            let start = start.clone();
            thread::spawn(move || {
                start.wait();
                let mut sum = 0;
                for i in 0..200 {
                    let parent = from_fn(|m, ctx| {
                        let child = ctx
                            .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
                            .map_err(|e| ExitReason::error(e.to_string()))?;
                        ctx.stop(child, ExitReason::Normal)
                            .map_err(|e| ExitReason::error(e.to_string()))?;
                        ctx.stop_self(ExitReason::Normal);
                        Ok(m)
                    });
                    let p = sys.spawn(parent, SpawnOptions::default()).expect("spawn");
                    let r = sys
                        .call(p, Message::Int(i), LONG)
                        .expect("call")
                        .wait()
                        .expect("reply");
                    sum += r.as_int().unwrap_or(0);
                }
                sum
            })
        })
        .collect();
    for h in hs {
        assert_eq!(h.join().expect("thread"), (0..200).sum::<i64>());
    }
    assert!(eventually(|| sys.live() == 0));
}

#[test]
fn shutdown_fails_pending_calls_instead_of_hanging() {
    let ex = executor(1);
    let sys = ex.system().clone();
    let gate = new_gate();
    let a = sys
        .spawn(
            gated(gate.clone(), Arc::new(AtomicUsize::new(0))),
            SpawnOptions::default(),
        )
        .expect("spawn");
    let stuck = sys
        .call(a, Message::Int(-1), Duration::from_secs(60))
        .expect("call");
    let s2 = sys.clone();
    let g2 = gate.clone();
    let closer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(50));
        s2.halt();
        open(&g2);
    });
    let r = stuck.wait();
    closer.join().expect("closer");
    assert_eq!(r.map_err(|e| e.code()).map(|_| ()), Err("shutdown"));
    drop(ex);
    assert_eq!(
        sys.spawn(echo(), SpawnOptions::default())
            .err()
            .map(|e| e.code()),
        Some("shutdown")
    );
}

#[test]
fn calls_racing_with_stops_and_slot_reuse_always_complete() {
    let ex = executor(2);
    let sys = ex.system().clone();
    let refs: Arc<std::sync::Mutex<Vec<ActorRef>>> = Arc::new(std::sync::Mutex::new(
        (0..8)
            .map(|_| sys.spawn(echo(), SpawnOptions::default()).expect("spawn"))
            .collect(),
    ));
    let stop = Arc::new(AtomicBool::new(false));
    let callers: Vec<_> = (0..3)
        .map(|t| {
            let (sys, refs, stop) = (sys.clone(), refs.clone(), stop.clone());
            thread::spawn(move || {
                let mut outcomes = [0usize; 3];
                let mut i = t;
                while !stop.load(Ordering::SeqCst) {
                    let target = refs.lock().expect("refs")[i % 8];
                    i += 1;
                    let r = sys
                        .call(target, Message::Int(i as i64), LONG)
                        .and_then(|h| h.wait());
                    match r {
                        Ok(m) => {
                            assert_eq!(m.as_int(), Some(i as i64), "a reply for another call");
                            outcomes[0] += 1;
                        }
                        Err(e) if e.code() == "actor_exited" => outcomes[1] += 1,
                        Err(e) if e.code() == "noproc" => outcomes[2] += 1,
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
                outcomes
            })
        })
        .collect();
    for round in 0..3000 {
        let idx = round % 8;
        let old = refs.lock().expect("refs")[idx];
        sys.stop(old, ExitReason::Shutdown).expect("stop");
        let new = sys.spawn(echo(), SpawnOptions::default()).expect("spawn");
        refs.lock().expect("refs")[idx] = new;
        if round % 16 == 0 {
            thread::sleep(Duration::from_millis(1));
        }
    }
    stop.store(true, Ordering::SeqCst);
    let mut total = [0usize; 3];
    for c in callers {
        let o = c.join().expect("caller");
        for k in 0..3 {
            total[k] += o[k];
        }
    }
    println!("ok, actor_exited, noproc: {total:?}");
    assert!(total[0] > 0, "some calls succeeded: {total:?}");
}

#[test]
fn halting_releases_senders_waiting_for_room() {
    let ex = executor(1);
    let sys = ex.system().clone();
    let gate = new_gate();
    let seen = Arc::new(AtomicUsize::new(0));
    let a = sys
        .spawn(
            gated(gate.clone(), seen.clone()),
            SpawnOptions {
                mailbox_capacity: Some(1),
                ..Default::default()
            },
        )
        .expect("spawn");
    sys.cast(a, Message::Int(-1)).expect("cast");
    assert!(eventually(|| seen.load(Ordering::SeqCst) == 1));
    sys.cast(a, Message::Int(1)).expect("fills the mailbox");
    let s2 = sys.clone();
    let waiter = thread::spawn(move || block_on(s2.cast_wait(a, Message::Int(2))));
    thread::sleep(Duration::from_millis(20));
    sys.halt();
    let r = waiter.join().expect("waiter");
    assert_eq!(r.map_err(|e| e.code()), Err("shutdown"));
    open(&gate);
}

#[test]
fn casts_from_actors_keep_per_sender_order() {
    struct Sender {
        index: i64,
        to: Vec<ActorRef>,
    }
    impl Behaviour for Sender {
        fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
            for seq in 0..1000i64 {
                for r in &self.to {
                    ctx.cast(*r, Message::Int((self.index << 32) | seq))
                        .map_err(|e| ExitReason::error(e.to_string()))?;
                }
            }
            Ok(())
        }
        fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
            Ok(m)
        }
    }
    let ex = executor(2);
    let sys = ex.system();
    let senders = 8usize;
    let receivers: Vec<ActorRef> = (0..4)
        .map(|_| {
            sys.spawn(
                Checker {
                    next: vec![0; senders],
                    received: 0,
                    violations: 0,
                },
                SpawnOptions {
                    mailbox_capacity: Some(senders * 1000 + 10),
                    ..Default::default()
                },
            )
            .expect("spawn")
        })
        .collect();
    for index in 0..senders {
        sys.spawn(
            Sender {
                index: index as i64,
                to: receivers.clone(),
            },
            SpawnOptions::default(),
        )
        .expect("spawn");
    }
    for r in &receivers {
        assert!(eventually(|| {
            let rep = sys
                .call(*r, Message::Empty, LONG)
                .expect("call")
                .wait()
                .expect("reply");
            let (received, violations, _) = rep.downcast::<(i64, i64, Vec<i64>)>().expect("report");
            assert_eq!(violations, 0, "receiver {r}: out of order");
            received == senders as i64 * 1000
        }));
    }
    assert_eq!(sys.stats().failed, 0);
}
