//! Supervisors against OTP's documented behaviour (supervisor(3), "Supervisor Behaviour" in
//! the OTP design principles): start order, reverse stop order, each strategy's restart set
//! and order, restart types, intensity and escalation, shutdown timeouts, start failures.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use katalyst::actor::supervisor::*;
use katalyst::actor::*;

type Log = Arc<Mutex<Vec<String>>>;

const CRASH: i64 = 0;
const QUIT: i64 = 1;

/// A child that logs `start:<id>` in init and `stop:<id>:<reason>` in terminate.
struct Worker {
    id: String,
    log: Log,
    /// Trap exits and ignore shutdown signals (for the shutdown-timeout test).
    stubborn: bool,
    fail_init: bool,
}

impl Behaviour for Worker {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        if self.fail_init {
            return Err(ExitReason::error("bad init"));
        }
        if self.stubborn {
            ctx.trap_exit(true);
        }
        push(&self.log, format!("start:{}", self.id));
        Ok(())
    }
    fn handle(&mut self, msg: Message, _ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        if let Some(e) = msg.downcast_ref::<ExitMsg>() {
            push(
                &self.log,
                format!("ignored:{}:{}", self.id, e.reason.kind()),
            );
            return Ok(Message::Empty);
        }
        match msg.as_int() {
            Some(CRASH) => Err(ExitReason::error("crash")),
            Some(QUIT) => Err(ExitReason::Normal),
            _ => Ok(msg),
        }
    }
    fn terminate(&mut self, reason: &ExitReason) {
        push(&self.log, format!("stop:{}:{}", self.id, reason.kind()));
    }
}

fn push(log: &Log, s: String) {
    log.lock().unwrap().push(s);
}

fn worker_with(id: &str, log: &Log, stubborn: bool, fail_init: bool) -> ChildSpec {
    let (id2, log) = (id.to_string(), log.clone());
    ChildSpec::new(id, move |_| {
        Ok(Box::new(Worker {
            id: id2.clone(),
            log: log.clone(),
            stubborn,
            fail_init,
        }) as Box<dyn Behaviour>)
    })
    .shutdown(Shutdown::Timeout(Duration::from_secs(2)))
}

fn worker(id: &str, log: &Log) -> ChildSpec {
    worker_with(id, log, false, false)
}

fn new_log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

fn take(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !f() {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn wait_log(log: &Log, n: usize) -> Vec<String> {
    eventually(&format!("{n} log entries"), || {
        log.lock().unwrap().len() >= n
    });
    // Settle: nothing more should come.
    std::thread::sleep(Duration::from_millis(30));
    take(log)
}

fn pid(sys: &System, sup: ActorRef, id: &str) -> ActorRef {
    let kids = which_children(sys, sup).unwrap();
    kids.iter()
        .find(|c| c.id == id)
        .and_then(|c| c.actor)
        .expect("a running child")
}

fn ex() -> NativeExecutor {
    NativeExecutor::start(Config::default()).unwrap()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn children_start_in_order_and_stop_in_reverse_order() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("a", &log))
        .child(worker("b", &log))
        .child(worker("c", &log));
    let sup = start(sys, spec).unwrap();
    assert_eq!(take(&log), strs(&["start:a", "start:b", "start:c"]));
    stop(sys, sup).unwrap();
    assert_eq!(
        take(&log),
        strs(&["stop:c:shutdown", "stop:b:shutdown", "stop:a:shutdown"])
    );
    eventually("supervisor gone", || !sys.is_alive(sup));
}

#[test]
fn one_for_one_restarts_only_the_failed_child() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(10, Duration::from_secs(5))
        .child(worker("a", &log))
        .child(worker("b", &log))
        .child(worker("c", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    let (a, b, c) = (pid(sys, sup, "a"), pid(sys, sup, "b"), pid(sys, sup, "c"));
    sys.cast(b, Message::Int(CRASH)).unwrap();
    assert_eq!(wait_log(&log, 2), strs(&["stop:b:error", "start:b"]));
    assert!(sys.is_alive(a) && sys.is_alive(c) && !sys.is_alive(b));
    assert_ne!(pid(sys, sup, "b"), b);
}

#[test]
fn one_for_all_stops_the_others_in_reverse_order_then_restarts_all_in_order() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForAll)
        .intensity(10, Duration::from_secs(5))
        .child(worker("a", &log))
        .child(worker("b", &log))
        .child(worker("c", &log))
        .child(worker("d", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    sys.cast(pid(sys, sup, "b"), Message::Int(CRASH)).unwrap();
    let expected = [
        "stop:b:error",
        "stop:d:shutdown",
        "stop:c:shutdown",
        "stop:a:shutdown",
        "start:a",
        "start:b",
        "start:c",
        "start:d",
    ];
    assert_eq!(wait_log(&log, expected.len()), strs(&expected));
}

#[test]
fn rest_for_one_restarts_the_failed_child_and_those_started_after_it() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::RestForOne)
        .intensity(10, Duration::from_secs(5))
        .child(worker("a", &log))
        .child(worker("b", &log))
        .child(worker("c", &log))
        .child(worker("d", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    let a = pid(sys, sup, "a");
    sys.cast(pid(sys, sup, "b"), Message::Int(CRASH)).unwrap();
    let expected = [
        "stop:b:error",
        "stop:d:shutdown",
        "stop:c:shutdown",
        "start:b",
        "start:c",
        "start:d",
    ];
    assert_eq!(wait_log(&log, expected.len()), strs(&expected));
    assert_eq!(pid(sys, sup, "a"), a);
}

#[test]
fn simple_one_for_one_restarts_a_dynamic_child_with_its_arguments() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let l2 = log.clone();
    let template = ChildSpec::new("w", move |args| {
        let n = args.as_int().ok_or("expected an integer")?;
        Ok(Box::new(Worker {
            id: format!("w{n}"),
            log: l2.clone(),
            stubborn: false,
            fail_init: false,
        }) as Box<dyn Behaviour>)
    })
    .restart(Restart::Transient);
    let spec = SupervisorSpec::new(Strategy::SimpleOneForOne)
        .intensity(10, Duration::from_secs(5))
        .child(template);
    let sup = start(sys, spec).unwrap();
    let w: Vec<ActorRef> = (1..=3)
        .map(|n| start_child(sys, sup, Message::Int(n)).unwrap())
        .collect();
    assert_eq!(take(&log), strs(&["start:w1", "start:w2", "start:w3"]));
    sys.cast(w[1], Message::Int(CRASH)).unwrap();
    assert_eq!(wait_log(&log, 2), strs(&["stop:w2:error", "start:w2"]));
    // A transient dynamic child that exits normally is removed.
    sys.cast(w[0], Message::Int(QUIT)).unwrap();
    assert_eq!(wait_log(&log, 1), strs(&["stop:w1:normal"]));
    eventually("w1 removed", || {
        which_children(sys, sup).unwrap().len() == 2
    });
    // terminate_child removes a dynamic child.
    let r = sys
        .call(
            sup,
            Message::value(SupervisorCall::TerminateChild(w[2])),
            Duration::from_secs(5),
        )
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(r.as_int(), Some(1));
    assert_eq!(wait_log(&log, 1), strs(&["stop:w3:shutdown"]));
    eventually("w3 removed", || {
        which_children(sys, sup).unwrap().len() == 1
    });
}

#[test]
fn transient_restarts_only_after_an_abnormal_exit() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(10, Duration::from_secs(5))
        .child(worker("t", &log).restart(Restart::Transient));
    let sup = start(sys, spec).unwrap();
    take(&log);
    sys.cast(pid(sys, sup, "t"), Message::Int(CRASH)).unwrap();
    assert_eq!(wait_log(&log, 2), strs(&["stop:t:error", "start:t"]));
    sys.cast(pid(sys, sup, "t"), Message::Int(QUIT)).unwrap();
    assert_eq!(wait_log(&log, 1), strs(&["stop:t:normal"]));
    let kids = which_children(sys, sup).unwrap();
    // OTP keeps a non-temporary child's spec with no process.
    assert_eq!(
        (kids.len(), kids[0].actor, kids[0].state),
        (1, None, ChildState::Stopped)
    );
}

#[test]
fn temporary_is_never_restarted_not_even_in_a_one_for_all_sweep() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForAll)
        .intensity(10, Duration::from_secs(5))
        .child(worker("a", &log))
        .child(worker("t", &log).restart(Restart::Temporary))
        .child(worker("c", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    sys.cast(pid(sys, sup, "a"), Message::Int(CRASH)).unwrap();
    let expected = [
        "stop:a:error",
        "stop:c:shutdown",
        "stop:t:shutdown",
        "start:a",
        "start:c",
    ];
    assert_eq!(wait_log(&log, expected.len()), strs(&expected));
    let ids: Vec<String> = which_children(sys, sup)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, strs(&["a", "c"]));
    // A temporary child that crashes by itself is removed, not restarted.
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("tmp", &log).restart(Restart::Temporary));
    let sup = start(sys, spec).unwrap();
    take(&log);
    sys.cast(pid(sys, sup, "tmp"), Message::Int(CRASH)).unwrap();
    assert_eq!(wait_log(&log, 1), strs(&["stop:tmp:error"]));
    eventually("tmp removed", || {
        which_children(sys, sup).unwrap().is_empty()
    });
}

/// Watches `target` from a helper actor; returns the DOWN reason channel.
fn down_of(sys: &System, target: ActorRef) -> std::sync::mpsc::Receiver<ExitReason> {
    let (tx, rx) = std::sync::mpsc::channel();
    let w = sys
        .spawn(
            from_fn(move |m, ctx| {
                if let Some(d) = m.downcast_ref::<Down>() {
                    let _ = tx.send(d.reason.clone());
                } else {
                    ctx.monitor(target);
                }
                Ok(Message::Empty)
            }),
            SpawnOptions::default(),
        )
        .unwrap();
    sys.call(w, Message::Empty, Duration::from_secs(5))
        .unwrap()
        .wait()
        .unwrap();
    rx
}

#[test]
fn intensity_reached_stops_the_children_and_escalates_shutdown_to_the_parent() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    // OTP defaults: 1 restart within 5 s.
    let inner = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("w", &log))
        .child(worker("x", &log));
    let top = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(5, Duration::from_secs(5))
        .child(ChildSpec::supervisor("inner", inner));
    let top = start(sys, top).unwrap();
    assert_eq!(take(&log), strs(&["start:w", "start:x"]));
    let inner_pid = pid(sys, top, "inner");
    let inner_down = down_of(sys, inner_pid);
    sys.cast(pid(sys, inner_pid, "w"), Message::Int(CRASH))
        .unwrap();
    assert_eq!(wait_log(&log, 2), strs(&["stop:w:error", "start:w"]));
    // Second crash within the period: more than 1 restart → inner gives up.
    sys.cast(pid(sys, inner_pid, "w"), Message::Int(CRASH))
        .unwrap();
    let reason = inner_down.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(reason, ExitReason::Shutdown);
    // Inner stopped its remaining child, then the top restarted inner (children in order).
    let expected = ["stop:w:error", "stop:x:shutdown", "start:w", "start:x"];
    assert_eq!(wait_log(&log, expected.len()), strs(&expected));
    let kids = which_children(sys, top).unwrap();
    assert_eq!(kids[0].restarts, 1);
    assert_ne!(kids[0].actor, Some(inner_pid));
}

#[test]
fn intensity_not_reached_when_failures_are_spaced_wider_than_the_period() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(1, Duration::from_millis(150))
        .child(worker("w", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    for _ in 0..3 {
        sys.cast(pid(sys, sup, "w"), Message::Int(CRASH)).unwrap();
        assert_eq!(wait_log(&log, 2), strs(&["stop:w:error", "start:w"]));
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(sys.is_alive(sup));
    assert_eq!(which_children(sys, sup).unwrap()[0].restarts, 3);
}

#[test]
fn shutdown_timeout_then_kill_and_brutal_kill() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("b", &log).shutdown(Shutdown::BrutalKill))
        .child(
            worker_with("s", &log, true, false)
                .shutdown(Shutdown::Timeout(Duration::from_millis(150))),
        );
    let sup = start(sys, spec).unwrap();
    take(&log);
    let t0 = Instant::now();
    stop(sys, sup).unwrap();
    let took = t0.elapsed();
    // s ignores the shutdown signal, is killed after 150 ms (no terminate); b is killed at once.
    assert_eq!(take(&log), strs(&["ignored:s:shutdown"]));
    assert!(took >= Duration::from_millis(150), "stopped after {took:?}");
    assert!(took < Duration::from_secs(3), "stopped after {took:?}");
}

#[test]
fn a_child_failing_to_start_makes_the_supervisor_start_fail() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("a", &log))
        .child(worker_with("b", &log, false, true))
        .child(worker("c", &log));
    let err = start(sys, spec).unwrap_err();
    match err {
        ActorError::ActorExited { reason, .. } => {
            assert!(
                reason.to_string().contains("failed_to_start_child b"),
                "{reason}"
            )
        }
        other => panic!("expected actor_exited, got {other:?}"),
    }
    // a was started then stopped; c never started. (The core runs `terminate` after a failed
    // `init` too, hence `stop:b:error`.)
    assert_eq!(
        take(&log),
        strs(&["start:a", "stop:b:error", "stop:a:shutdown"])
    );
    // Nested: the inner supervisor's start failure fails the outer's start.
    let inner =
        SupervisorSpec::new(Strategy::OneForOne).child(worker_with("bad", &log, false, true));
    let outer = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("first", &log))
        .child(ChildSpec::supervisor("inner", inner));
    assert!(start(sys, outer).is_err());
    assert_eq!(
        take(&log),
        strs(&["start:first", "stop:bad:error", "stop:first:shutdown"])
    );
}

/// The start result is the supervisor's own answer, however fast it fails: a first child that
/// fails at once used to make the supervisor exit before the "started?" call reached it, and
/// the caller got `noproc` instead of the reason (seen in a browser `mt` run).
#[test]
fn a_start_failure_is_reported_with_its_reason_however_fast_it_fails() {
    let ex = NativeExecutor::start(Config {
        workers: 2,
        ..Config::default()
    })
    .unwrap();
    let sys = ex.system();
    let log = new_log();
    for round in 0..300 {
        let spec =
            SupervisorSpec::new(Strategy::OneForOne).child(worker_with("bad", &log, false, true));
        let (sup, started) = spawn(sys, spec).unwrap();
        match started.wait() {
            Err(ActorError::ActorExited { actor, reason }) => {
                assert!(
                    reason.to_string().contains("failed_to_start_child bad"),
                    "{reason}"
                );
                assert_eq!(actor, sup.id(), "round {round}");
            }
            other => panic!("round {round}: expected actor_exited, got {other:?}"),
        }
        // The supervisor's own init failing (OTP: duplicate child ids) reaches the caller too.
        let dup = SupervisorSpec::new(Strategy::OneForOne)
            .child(worker("x", &log))
            .child(worker("x", &log));
        match start(sys, dup) {
            Err(ActorError::ActorExited { reason, .. }) => {
                assert!(
                    reason.to_string().contains("duplicate child id"),
                    "{reason}"
                )
            }
            other => panic!("round {round}: expected actor_exited, got {other:?}"),
        }
    }
}

#[test]
fn backoff_delays_the_restart() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(10, Duration::from_secs(5))
        .backoff(Backoff {
            initial: Duration::from_millis(100),
            factor: 2.0,
            max: Duration::from_secs(1),
        })
        .child(worker("w", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    let t0 = Instant::now();
    sys.cast(pid(sys, sup, "w"), Message::Int(CRASH)).unwrap();
    eventually("restart", || {
        log.lock().unwrap().iter().any(|s| s == "start:w")
    });
    assert!(t0.elapsed() >= Duration::from_millis(100));
    let kids = which_children(sys, sup).unwrap();
    assert_eq!(kids[0].restarts, 1);
}

fn sup_call(sys: &System, sup: ActorRef, c: SupervisorCall) -> Result<Message, ActorError> {
    sys.call(sup, Message::value(c), Duration::from_secs(5))
        .unwrap()
        .wait()
}

#[test]
fn terminate_restart_and_delete_a_static_child() {
    let ex = ex();
    let sys = ex.system();
    let log = new_log();
    let spec = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("a", &log))
        .child(worker("b", &log));
    let sup = start(sys, spec).unwrap();
    take(&log);
    let one = sup_call(sys, sup, SupervisorCall::TerminateChildId("b".into())).unwrap();
    assert_eq!(one.as_int(), Some(1));
    assert_eq!(wait_log(&log, 1), strs(&["stop:b:shutdown"]));
    // Terminated by the supervisor: kept, not restarted.
    let kids = which_children(sys, sup).unwrap();
    assert_eq!((kids.len(), kids[1].actor), (2, None));
    // Deleting a running child is refused; a stopped one is removed after a restart/stop cycle.
    assert_eq!(
        sup_call(sys, sup, SupervisorCall::DeleteChild("a".into()))
            .unwrap()
            .as_int(),
        Some(0)
    );
    let b = sup_call(sys, sup, SupervisorCall::RestartChild("b".into())).unwrap();
    assert!(sys.is_alive(b.downcast::<ActorRef>().unwrap()));
    assert_eq!(take(&log), strs(&["start:b"]));
    assert!(sup_call(sys, sup, SupervisorCall::RestartChild("b".into())).is_err());
    sup_call(sys, sup, SupervisorCall::TerminateChildId("b".into())).unwrap();
    assert_eq!(wait_log(&log, 1), strs(&["stop:b:shutdown"]));
    assert_eq!(
        sup_call(sys, sup, SupervisorCall::DeleteChild("b".into()))
            .unwrap()
            .as_int(),
        Some(1)
    );
    assert_eq!(which_children(sys, sup).unwrap().len(), 1);
}
