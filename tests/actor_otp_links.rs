//! Links, monitors and exit signals against Erlang's documented semantics
//! (erlang:link/1, unlink/1, monitor/2, demonitor/1, exit/2, process_flag(trap_exit)).
#![cfg(not(target_arch = "wasm32"))]

use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use katalyst::actor::*;

const T: Duration = Duration::from_secs(5);

#[derive(Debug, PartialEq)]
enum Ev {
    Exit(ActorRef, ExitReason),
    Down(ActorRef, ExitReason),
    Terminated(ExitReason),
}

type Script = Box<dyn FnOnce(&mut Context<'_>) -> Message + Send>;

/// An actor that runs scripts sent to it and reports EXIT / DOWN messages and its end.
struct Probe {
    tx: Sender<Ev>,
    trap: bool,
}

impl Behaviour for Probe {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        ctx.trap_exit(self.trap);
        Ok(())
    }
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        if let Some(e) = msg.downcast_ref::<ExitMsg>() {
            let _ = self.tx.send(Ev::Exit(e.from, e.reason.clone()));
            return Ok(Message::Empty);
        }
        if let Some(d) = msg.downcast_ref::<Down>() {
            let _ = self.tx.send(Ev::Down(d.actor, d.reason.clone()));
            return Ok(Message::Empty);
        }
        match msg.downcast::<Script>() {
            Ok(script) => Ok(script(ctx)),
            Err(m) => match m.downcast::<ExitReason>() {
                Ok(reason) => Err(reason),
                Err(m) => Ok(m),
            },
        }
    }
    fn terminate(&mut self, reason: &ExitReason) {
        let _ = self.tx.send(Ev::Terminated(reason.clone()));
    }
}

fn probe(sys: &System, trap: bool) -> (ActorRef, Receiver<Ev>) {
    let (tx, rx) = channel();
    let a = sys
        .spawn(Probe { tx, trap }, SpawnOptions::default())
        .unwrap();
    (a, rx)
}

fn run(
    sys: &System,
    a: ActorRef,
    f: impl FnOnce(&mut Context<'_>) -> Message + Send + 'static,
) -> Message {
    let script: Script = Box::new(f);
    sys.call(a, Message::value(script), T)
        .unwrap()
        .wait()
        .unwrap()
}

fn crash(sys: &System, a: ActorRef, reason: ExitReason) {
    sys.cast(a, Message::value(reason)).unwrap();
}

fn wait_dead(sys: &System, a: ActorRef) {
    let t0 = std::time::Instant::now();
    while sys.is_alive(a) {
        assert!(t0.elapsed() < T, "{a:?} still alive");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn next(rx: &Receiver<Ev>) -> Ev {
    rx.recv_timeout(T).expect("an event")
}

/// A watcher that monitors `target` and reports its DOWN.
fn watch(sys: &System, target: ActorRef) -> Receiver<Ev> {
    let (w, rx) = probe(sys, false);
    run(sys, w, move |ctx| {
        ctx.monitor(target);
        Message::Empty
    });
    rx
}

#[test]
fn an_abnormal_exit_propagates_over_a_link_both_ways() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    for crash_first in [true, false] {
        let (a, arx) = probe(sys, false);
        let (b, brx) = probe(sys, false);
        run(sys, a, move |ctx| {
            ctx.link(b).unwrap();
            Message::Empty
        });
        let (dying, other, other_rx, other_watch) = if crash_first {
            (a, b, brx, watch(sys, b))
        } else {
            (b, a, arx, watch(sys, a))
        };
        crash(sys, dying, ExitReason::error("boom"));
        assert_eq!(
            next(&other_watch),
            Ev::Down(other, ExitReason::error("boom"))
        );
        assert_eq!(next(&other_rx), Ev::Terminated(ExitReason::error("boom")));
    }
}

#[test]
fn a_trapping_actor_gets_an_exit_message_and_lives() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (a, arx) = probe(sys, true);
    let (b, _brx) = probe(sys, false);
    run(sys, a, move |ctx| {
        ctx.link(b).unwrap();
        Message::Empty
    });
    crash(sys, b, ExitReason::error("bad"));
    assert_eq!(next(&arx), Ev::Exit(b, ExitReason::error("bad")));
    assert!(sys.is_alive(a));
    // The link is gone: a's links are empty.
    assert_eq!(
        run(sys, a, |ctx| Message::Int(ctx.links().len() as i64)).as_int(),
        Some(0)
    );
}

#[test]
fn a_normal_exit_does_not_propagate_but_a_trapping_actor_sees_it() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (a, _arx) = probe(sys, false);
    let (t, trx) = probe(sys, true);
    let (b, _brx) = probe(sys, false);
    run(sys, a, move |ctx| {
        ctx.link(b).unwrap();
        Message::Empty
    });
    run(sys, t, move |ctx| {
        ctx.link(b).unwrap();
        Message::Empty
    });
    sys.stop(b, ExitReason::Normal).unwrap();
    assert_eq!(next(&trx), Ev::Exit(b, ExitReason::Normal));
    // a got the same signal before t's message could be observed? Not ordered: probe it.
    run(sys, a, |_| Message::Empty);
    assert!(sys.is_alive(a));
    // `shutdown` does propagate (only `normal` is ignored).
    let (c, crx) = probe(sys, false);
    let (d, _drx) = probe(sys, false);
    run(sys, c, move |ctx| {
        ctx.link(d).unwrap();
        Message::Empty
    });
    sys.stop(d, ExitReason::Shutdown).unwrap();
    assert_eq!(next(&crx), Ev::Terminated(ExitReason::Shutdown));
}

#[test]
fn exit_normal_to_a_non_trapping_actor_is_ignored_and_to_a_trapping_one_is_a_message() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (s, _srx) = probe(sys, false);
    let (plain, _prx) = probe(sys, false);
    let (trap, trx) = probe(sys, true);
    run(sys, s, move |ctx| {
        ctx.exit(plain, ExitReason::Normal).unwrap();
        ctx.exit(trap, ExitReason::Normal).unwrap();
        ctx.exit(trap, ExitReason::error("x")).unwrap();
        Message::Empty
    });
    assert_eq!(next(&trx), Ev::Exit(s, ExitReason::Normal));
    assert_eq!(next(&trx), Ev::Exit(s, ExitReason::error("x")));
    run(sys, plain, |_| Message::Empty);
    assert!(sys.is_alive(plain) && sys.is_alive(trap));
}

#[test]
fn kill_cannot_be_trapped_and_propagates_as_killed() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (victim, vrx) = probe(sys, true);
    let (friend, frx) = probe(sys, true);
    let (killer, _krx) = probe(sys, false);
    run(sys, friend, move |ctx| {
        ctx.link(victim).unwrap();
        Message::Empty
    });
    let w = watch(sys, victim);
    run(sys, killer, move |ctx| {
        ctx.exit(victim, ExitReason::Kill).unwrap();
        Message::Empty
    });
    assert_eq!(next(&w), Ev::Down(victim, ExitReason::Killed));
    assert_eq!(next(&frx), Ev::Exit(victim, ExitReason::Killed));
    // `kill` skips terminate; the victim saw no EXIT message.
    wait_dead(sys, victim);
    assert!(vrx.try_recv().is_err());
    // `killed` arriving over a link is an ordinary (trappable) reason.
    assert!(sys.is_alive(friend));
}

#[test]
fn a_monitor_delivers_down_with_the_reason_and_noproc_for_the_dead() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (target, _trx) = probe(sys, false);
    let w = watch(sys, target);
    crash(sys, target, ExitReason::error("gone"));
    assert_eq!(next(&w), Ev::Down(target, ExitReason::error("gone")));
    wait_dead(sys, target);
    // Monitoring a dead ref: DOWN noproc at once.
    let w2 = watch(sys, target);
    assert_eq!(next(&w2), Ev::Down(target, ExitReason::NoProc));
    // An unknown ref too.
    let unknown = ActorRef::from_parts([0, 999_999, 1]);
    let w3 = watch(sys, unknown);
    assert_eq!(next(&w3), Ev::Down(unknown, ExitReason::NoProc));
    // A monitor does not link: the watcher lives on.
    assert!(sys.stats().live >= 3);
}

#[test]
fn an_exit_sends_its_downs_in_the_order_the_monitors_were_set() {
    // Erlang orders signals per sender and receiver only. Katalyst also sends one exit's DOWNs
    // in monitor order, so a supervisor's DOWN (it then stops the next child) cannot overtake
    // an older watcher's DOWN for the same exit.
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (target, _trx) = probe(sys, false);
    let (tx, rx) = channel();
    let w = from_fn(move |m, ctx| {
        if let Some(d) = m.downcast_ref::<Down>() {
            let _ = tx.send(d.monitor);
            return Ok(Message::Empty);
        }
        let set: Vec<MonitorRef> = (0..16).map(|_| ctx.monitor(target)).collect();
        Ok(Message::value(set))
    });
    let w = sys.spawn(w, SpawnOptions::default()).unwrap();
    let set = sys.call(w, Message::Empty, T).unwrap().wait().unwrap();
    let set = set.downcast::<Vec<MonitorRef>>().ok().unwrap();
    crash(sys, target, ExitReason::error("gone"));
    let got: Vec<MonitorRef> = (0..16).map(|_| rx.recv_timeout(T).unwrap()).collect();
    assert_eq!(got, set);
}

#[test]
fn demonitor_flushes_the_down_and_unlink_stops_propagation() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (w, wrx) = probe(sys, false);
    let (target, _trx) = probe(sys, false);
    run(sys, w, move |ctx| {
        let m = ctx.monitor(target);
        assert!(ctx.demonitor(m));
        ctx.link(target).unwrap();
        ctx.unlink(target);
        Message::Empty
    });
    crash(sys, target, ExitReason::error("x"));
    wait_dead(sys, target);
    run(sys, w, |_| Message::Empty);
    assert!(sys.is_alive(w));
    assert!(wrx.try_recv().is_err());
}

#[test]
fn linking_to_a_dead_actor_fails_with_noproc_or_traps_it() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (dead, _drx) = probe(sys, false);
    sys.stop(dead, ExitReason::Normal).unwrap();
    wait_dead(sys, dead);
    let (a, _arx) = probe(sys, false);
    let r = run(sys, a, move |ctx| {
        Message::Int(ctx.link(dead).is_err() as i64)
    });
    assert_eq!(r.as_int(), Some(1));
    let (t, trx) = probe(sys, true);
    run(sys, t, move |ctx| {
        ctx.link(dead).unwrap();
        Message::Empty
    });
    assert_eq!(next(&trx), Ev::Exit(dead, ExitReason::NoProc));
}

#[test]
fn a_child_failing_in_init_reaches_its_linked_parent() {
    struct FailInit;
    impl Behaviour for FailInit {
        fn init(&mut self, _: &mut Context<'_>) -> Result<(), ExitReason> {
            Err(ExitReason::error("init failed"))
        }
        fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
            Ok(m)
        }
    }
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let (p, prx) = probe(sys, true);
    let child = run(sys, p, |ctx| {
        Message::value(ctx.spawn_link(FailInit, SpawnOptions::default()).unwrap())
    });
    let child = child.downcast::<ActorRef>().unwrap();
    assert_eq!(
        next(&prx),
        Ev::Exit(child, ExitReason::error("init failed"))
    );
    // spawn_monitor sees it as DOWN.
    let (q, qrx) = probe(sys, false);
    let c2 = run(sys, q, |ctx| {
        Message::value(
            ctx.spawn_monitor(FailInit, SpawnOptions::default())
                .unwrap()
                .0,
        )
    });
    let c2 = c2.downcast::<ActorRef>().unwrap();
    assert_eq!(next(&qrx), Ev::Down(c2, ExitReason::error("init failed")));
}

// ---- The same requests made from outside any actor (the page's `k.actors.link`, …) ----

#[test]
fn outside_link_monitor_exit_follow_the_same_rules() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    // link(a, b) from outside: b's abnormal exit reaches a trapping a as EXIT.
    let (a, arx) = probe(sys, true);
    let (b, _brx) = probe(sys, false);
    sys.link(a, b).unwrap();
    sys.cast(b, Message::value(ExitReason::error("boom")))
        .unwrap();
    assert_eq!(
        arx.recv_timeout(T).unwrap(),
        Ev::Exit(b, ExitReason::error("boom"))
    );
    // link to a dead actor: noproc at once.
    while sys.is_alive(b) {
        std::thread::yield_now();
    }
    assert_eq!(
        katalyst::error::Classify::code(&sys.link(a, b).unwrap_err()),
        "noproc"
    );
    // monitor: DOWN with the reason; noproc for a dead ref; demonitor flushes.
    let (c, _crx) = probe(sys, false);
    sys.monitor(a, c).unwrap();
    sys.stop(c, ExitReason::Shutdown).unwrap();
    assert_eq!(
        arx.recv_timeout(T).unwrap(),
        Ev::Down(c, ExitReason::Shutdown)
    );
    sys.monitor(a, b).unwrap();
    assert_eq!(
        arx.recv_timeout(T).unwrap(),
        Ev::Down(b, ExitReason::NoProc)
    );
    let (d, _drx) = probe(sys, false);
    let m = sys.monitor(a, d).unwrap();
    sys.demonitor(a, m).unwrap();
    sys.stop(d, ExitReason::Shutdown).unwrap();
    // exit/2 from outside: a trapping actor gets EXIT from `outside()`; `normal` is ignored by
    // a non-trapping one; `kill` ends even a trapping one, and its monitors see `killed`.
    sys.exit(a, ExitReason::error("x")).unwrap();
    assert_eq!(
        arx.recv_timeout(T).unwrap(),
        Ev::Exit(sys.outside(), ExitReason::error("x"))
    );
    let (e, erx) = probe(sys, false);
    // Its `init` (which sets trap_exit(false)) has run before the flag is changed from outside.
    sys.call(e, Message::Empty, T).unwrap().wait().unwrap();
    sys.exit(e, ExitReason::Normal).unwrap();
    sys.set_trap_exit(e, true).unwrap();
    sys.exit(e, ExitReason::Shutdown).unwrap();
    assert_eq!(
        erx.recv_timeout(T).unwrap(),
        Ev::Exit(sys.outside(), ExitReason::Shutdown)
    );
    let (w, wrx) = probe(sys, false);
    sys.monitor(w, a).unwrap();
    sys.exit(a, ExitReason::Kill).unwrap();
    assert_eq!(
        wrx.recv_timeout(T).unwrap(),
        Ev::Down(a, ExitReason::Killed)
    );
    // The demonitored DOWN never arrived; nothing else is pending for a.
    assert!(arx.recv_timeout(Duration::from_millis(100)).is_err());
}
