//! Reaping a worker that died inside a turn (what the browser `mt` executor does after a Rust
//! panic traps a worker's wasm instance), simulated natively: the handler panics (the panic
//! hook leaves its note in the worker slot), catches its own panic and then parks its thread
//! forever, so the worker never runs again — exactly the state a trap leaves behind.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use katalyst::actor::*;
use katalyst::error::Classify;

const T: Duration = Duration::from_secs(5);

fn system(workers: usize) -> System {
    install_panic_capture();
    System::new(
        Config {
            workers,
            capture_backtraces: false,
            ..Config::default()
        },
        Arc::new(InstantClock::new()),
    )
    .unwrap()
}

/// Runs `w` on its own thread forever (the thread is never joined).
fn drive(mut w: WorkerHandle) {
    std::thread::spawn(move || loop {
        if w.run_slice(64) == Slice::Idle {
            std::thread::sleep(Duration::from_micros(200));
        }
    });
}

/// A handler that dies like a trapped wasm worker: panics (noted by the hook), then never
/// returns.
fn die(message: &'static str, me: ActorRef) -> ! {
    let _ = std::panic::catch_unwind(|| panic!("{message}"));
    DEAD.lock().unwrap().push(me);
    loop {
        std::thread::park();
    }
}

static DEAD: Mutex<Vec<ActorRef>> = Mutex::new(Vec::new());

/// Waits until `actor`'s thread is parked for good; returns the worker it died on.
fn wait_dead(sys: &System, actor: ActorRef) -> usize {
    let until = Instant::now() + T;
    while !DEAD.lock().unwrap().contains(&actor) {
        assert!(Instant::now() < until, "the actor never died");
        std::thread::yield_now();
    }
    // Pushed just before the thread parks; give it that instant.
    std::thread::sleep(Duration::from_millis(20));
    let s = sys.stats();
    s.workers
        .iter()
        .position(|w| w.running == Some(actor))
        .expect("running on a worker")
}

/// A behaviour that dies on `Int(0)` and echoes anything else.
fn mortal() -> impl Behaviour {
    from_fn(|m, _ctx| {
        if m.as_int() == Some(0) {
            die("mortal: died on request", _ctx.myself());
        }
        Ok(m)
    })
}

struct Watcher {
    target: ActorRef,
    out: mpsc::Sender<(ActorRef, ExitReason)>,
}

impl Behaviour for Watcher {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        ctx.monitor(self.target);
        Ok(())
    }
    fn handle(&mut self, m: Message, _ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        if let Some(d) = m.downcast_ref::<Down>() {
            let _ = self.out.send((d.actor, d.reason.clone()));
        }
        Ok(Message::Empty)
    }
}

fn exit_message(e: &ActorError) -> String {
    match e {
        ActorError::ActorExited {
            reason: ExitReason::Error { message, .. },
            ..
        } => message.clone(),
        other => panic!("expected actor_exited with an error reason, got {other:?}"),
    }
}

#[test]
fn the_running_actor_exits_with_the_panic_message_and_its_calls_fail() {
    let sys = system(2);
    let w0 = sys.worker(0).unwrap();
    let w1 = sys.worker(1).unwrap();
    let a = sys.spawn(mortal(), SpawnOptions::default()).unwrap();
    let (tx, rx) = mpsc::channel();
    let watcher = sys
        .spawn(Watcher { target: a, out: tx }, SpawnOptions::default())
        .unwrap();
    let other = sys
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    sys.register("mortal", a).unwrap();
    // Let the watcher's monitor reach `a` before it dies (one worker, by hand).
    let mut w1 = w1;
    while w1.run_slice(64) == Slice::Busy {}
    let in_flight = sys.call(a, Message::Int(0), T).unwrap();
    drive(w0);
    assert_eq!(wait_dead(&sys, a), 0);
    // Queued behind the fatal message; worker 1 cannot take `a` (it is RUNNING on worker 0).
    let queued: Vec<_> = (1..=3)
        .map(|i| sys.call(a, Message::Int(i), T).unwrap())
        .collect();
    drive(w1);
    assert_eq!(
        sys.call(other, Message::Int(7), T)
            .unwrap()
            .wait()
            .unwrap()
            .as_int(),
        Some(7)
    );
    assert!(in_flight.try_take().is_none(), "answered before the reap");

    // SAFETY: worker 0's thread is parked forever inside `die`.
    let reaped = unsafe { sys.reap_worker(0, Some("js stack".into())) }.unwrap();
    assert_eq!(reaped.actor, Some(a));
    let e = in_flight.wait().unwrap_err();
    assert_eq!(e.code(), "actor_exited");
    let msg = exit_message(&e);
    assert!(msg.starts_with("panic: mortal: died on request"), "{msg}");
    assert!(
        msg.contains("actor_reap.rs"),
        "the location is part of the message: {msg}"
    );
    match &reaped.reason {
        ExitReason::Error { backtrace, .. } => assert_eq!(backtrace.as_deref(), Some("js stack")),
        r => panic!("{r:?}"),
    }
    for q in queued {
        assert_eq!(exit_message(&q.wait().unwrap_err()), msg);
    }
    let later = sys.call(a, Message::Int(1), T);
    assert_eq!(later.err().map(|e| e.code()), Some("noproc"));
    assert!(!sys.is_alive(a));
    assert_eq!(sys.whereis("mortal"), None, "its name is released");
    let (down_actor, down_reason) = rx.recv_timeout(T).unwrap();
    assert_eq!(down_actor, a);
    assert_eq!(down_reason, reaped.reason);
    assert!(sys.is_alive(watcher));
    assert!(sys
        .take_events()
        .iter()
        .any(|e| matches!(e, SystemEvent::Exited { actor, .. } if *actor == a)));
    // Reaping twice does nothing; a replacement runs actors again.
    // SAFETY: as above.
    assert!(unsafe { sys.reap_worker(0, None) }.is_none());
    drive(sys.replace_worker(0).unwrap());
    assert!(sys.replace_worker(0).is_none(), "one replacement per reap");
    assert_eq!(sys.stats().workers[0].replaced, 1);
    let b = sys
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    assert_eq!(
        sys.call(b, Message::Int(3), T)
            .unwrap()
            .wait()
            .unwrap()
            .as_int(),
        Some(3)
    );
    assert_eq!(sys.live(), 3); // watcher, other, b
}

#[test]
fn actors_queued_on_the_dead_worker_are_run_by_the_others() {
    let sys = system(2);
    let (tx, rx) = mpsc::channel::<Vec<ActorRef>>();
    let tx = Mutex::new(tx);
    // Spawned from inside the dying handler, the children go on worker 0's own deque.
    let parent = from_fn(move |_m, ctx| {
        let kids: Vec<ActorRef> = (0..8)
            .map(|_| {
                ctx.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
                    .unwrap()
            })
            .collect();
        let _ = tx.lock().unwrap().send(kids);
        die("parent: died after spawning", ctx.myself());
    });
    let p = sys.spawn(parent, SpawnOptions::default()).unwrap();
    sys.cast(p, Message::Empty).unwrap();
    drive(sys.worker(0).unwrap());
    let kids = rx.recv_timeout(T).unwrap();
    assert_eq!(wait_dead(&sys, p), 0);
    // SAFETY: worker 0's thread is parked forever inside `die`.
    unsafe { sys.reap_worker(0, None) }.unwrap();
    drive(sys.worker(1).unwrap());
    for (i, k) in kids.iter().enumerate() {
        let r = sys.call(*k, Message::Int(i as i64), T).unwrap().wait();
        assert_eq!(r.unwrap().as_int(), Some(i as i64));
    }
    assert!(!sys.is_alive(p));
}

#[test]
fn more_deaths_than_workers_still_leave_a_working_pool() {
    let sys = system(2);
    drive(sys.worker(0).unwrap());
    drive(sys.worker(1).unwrap());
    let echo = sys
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    for round in 0..5 {
        let a = sys.spawn(mortal(), SpawnOptions::default()).unwrap();
        let call = sys.call(a, Message::Int(0), T).unwrap();
        let worker = wait_dead(&sys, a);
        // SAFETY: that worker's thread is parked forever inside `die`.
        let reaped = unsafe { sys.reap_worker(worker, None) }.unwrap();
        assert_eq!(reaped.actor, Some(a));
        assert_eq!(call.wait().unwrap_err().code(), "actor_exited");
        drive(sys.replace_worker(worker).unwrap());
        let r = sys.call(echo, Message::Int(round), T).unwrap().wait();
        assert_eq!(r.unwrap().as_int(), Some(round));
    }
    let replaced: u64 = sys.stats().workers.iter().map(|w| w.replaced).sum();
    assert_eq!(replaced, 5);
    // Both workers (and their replacements' deques) still share work.
    let many: Vec<_> = (0..64)
        .map(|i| {
            let a = sys
                .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
                .unwrap();
            sys.call(a, Message::Int(i), T).unwrap()
        })
        .collect();
    for (i, c) in many.into_iter().enumerate() {
        assert_eq!(c.wait().unwrap().as_int(), Some(i as i64));
    }
}

/// A hold released before its turn ended (here at once, by the handler) must not strand the
/// messages queued behind the holding one: they were sent while the actor was already
/// scheduled, so no later send would wake it. Hand-driven, so the order is fixed.
#[test]
fn a_hold_released_within_its_turn_leaves_no_message_behind() {
    let sys = system(1);
    let mut w = sys.worker(0).unwrap();
    let a = sys
        .spawn(
            from_fn(|m, ctx| {
                if m.as_int() == Some(0) {
                    drop(ctx.hold());
                }
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .unwrap();
    sys.cast(a, Message::Int(0)).unwrap();
    let call = sys.call(a, Message::Int(1), T).unwrap();
    while w.run_slice(64) == Slice::Busy {}
    assert_eq!(sys.load_of(a).map(|l| (l.0, l.1)), Some((0, 2)));
    assert_eq!(call.try_take().unwrap().unwrap().as_int(), Some(1));
}

#[test]
fn a_hold_keeps_order_and_releases_from_another_thread() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (tx, rx) = mpsc::channel::<(Hold, Option<ReplyToken>)>();
    let tx = Mutex::new(tx);
    let log = Arc::new(Mutex::new(Vec::new()));
    let l = log.clone();
    let a = sys
        .spawn(
            from_fn(move |m, ctx| {
                let n = m.as_int().unwrap_or(-1);
                l.lock().unwrap().push(n);
                if n % 10 == 0 {
                    let token = ctx.defer_reply();
                    let _ = tx.lock().unwrap().send((ctx.hold(), token));
                }
                Ok(Message::Int(n))
            }),
            SpawnOptions::default(),
        )
        .unwrap();
    let calls: Vec<_> = (0..30)
        .map(|i| sys.call(a, Message::Int(i), T).unwrap())
        .collect();
    let stop_too = sys.call(a, Message::Int(31), T).unwrap();
    for _ in 0..3 {
        let (hold, token) = rx.recv_timeout(T).unwrap();
        std::thread::sleep(Duration::from_millis(10));
        let seen = log.lock().unwrap().len();
        std::thread::sleep(Duration::from_millis(10));
        assert_eq!(
            log.lock().unwrap().len(),
            seen,
            "nothing handled while held"
        );
        let last = *log.lock().unwrap().last().unwrap();
        std::thread::spawn(move || {
            token.unwrap().reply(Message::Int(last * 100));
            hold.release();
        })
        .join()
        .unwrap();
    }
    for (i, c) in calls.into_iter().enumerate() {
        let want = if i % 10 == 0 {
            i as i64 * 100
        } else {
            i as i64
        };
        assert_eq!(c.wait().unwrap().as_int(), Some(want));
    }
    assert_eq!(stop_too.wait().unwrap().as_int(), Some(31));
    let order: Vec<i64> = log.lock().unwrap().clone();
    assert_eq!(order, (0..30).chain([31]).collect::<Vec<_>>());
    // A stop sent while held waits for the release, then ends the actor.
    let b = sys
        .spawn(
            from_fn(move |m, ctx| {
                if m.as_int() == Some(0) {
                    let h = ctx.hold();
                    std::thread::spawn(move || {
                        std::thread::sleep(Duration::from_millis(30));
                        drop(h);
                    });
                }
                Ok(m)
            }),
            SpawnOptions::default(),
        )
        .unwrap();
    sys.cast(b, Message::Int(0)).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    sys.stop(b, ExitReason::Shutdown).unwrap();
    assert!(sys.is_alive(b), "held: the stop waits");
    let until = Instant::now() + T;
    while sys.is_alive(b) {
        assert!(Instant::now() < until);
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn an_actor_held_by_a_handler_on_the_dead_worker_exits_and_its_call_fails() {
    let sys = system(2);
    let mut w0 = sys.worker(0).unwrap();
    let (tx, rx) = mpsc::channel::<Hold>();
    let tx = Mutex::new(tx);
    // Holds on its first message and answers later (as an async JS handler would), but the
    // hold and the deferred reply live on worker 0 and die with it.
    let waiter = from_fn(move |m, ctx| {
        if m.as_int() == Some(0) {
            let hold = ctx.hold();
            let token = ctx.defer_reply();
            std::mem::forget(token); // dies with the worker's realm
            let _ = tx.lock().unwrap().send(hold);
        }
        Ok(m)
    });
    let h = sys.spawn(waiter, SpawnOptions::default()).unwrap();
    let held_call = sys.call(h, Message::Int(0), T).unwrap();
    let queued = sys.call(h, Message::Int(1), T).unwrap();
    while w0.run_slice(64) == Slice::Busy {}
    let hold = rx.recv_timeout(T).unwrap();
    assert!(held_call.try_take().is_none() && queued.try_take().is_none());
    let d = sys.spawn(mortal(), SpawnOptions::default()).unwrap();
    sys.cast(d, Message::Int(0)).unwrap();
    drive(w0);
    assert_eq!(wait_dead(&sys, d), 0);
    // SAFETY: worker 0's thread is parked forever inside `die`.
    let reaped = unsafe { sys.reap_worker(0, None) }.unwrap();
    assert_eq!(reaped.actor, Some(d));
    assert_eq!(reaped.held, vec![h]);
    drive(sys.worker(1).unwrap());
    let e = held_call.wait().unwrap_err();
    assert!(
        exit_message(&e).contains("its worker died while its handler awaited"),
        "{e}"
    );
    assert_eq!(queued.wait().unwrap_err().code(), "actor_exited");
    let until = Instant::now() + T;
    while sys.is_alive(h) {
        assert!(Instant::now() < until, "the held actor never exited");
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(hold); // released late: does nothing now
    assert!(!sys.is_alive(h));
}
