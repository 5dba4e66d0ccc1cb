//! Hot upgrade (no lost or reordered message under load, failed migrations keep the old
//! version, rollback) and introspection (tree, events).
#![cfg(not(target_arch = "wasm32"))]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use katalyst::actor::supervisor::*;
use katalyst::actor::upgrade::*;
use katalyst::actor::*;
use katalyst::error::Classify;

const T: Duration = Duration::from_secs(10);

/// Records every integer it gets; `Empty` returns the record.
struct V1 {
    seen: Vec<i64>,
}
impl Behaviour for V1 {
    fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
        match m.as_int() {
            Some(i) => {
                self.seen.push(i);
                Ok(Message::Int(1))
            }
            None => Ok(Message::value(self.seen.clone())),
        }
    }
}

struct V2 {
    seen: Vec<i64>,
    handled_by_v2: Arc<AtomicU64>,
    fail_init: bool,
}
impl Behaviour for V2 {
    fn init(&mut self, _: &mut Context<'_>) -> Result<(), ExitReason> {
        if self.fail_init {
            return Err(ExitReason::error("v2 init refused"));
        }
        Ok(())
    }
    fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
        match m.as_int() {
            Some(i) => {
                self.seen.push(i);
                self.handled_by_v2.fetch_add(1, Ordering::Relaxed);
                Ok(Message::Int(2))
            }
            None => Ok(Message::value(self.seen.clone())),
        }
    }
}

fn dump(sys: &System, a: ActorRef) -> Vec<i64> {
    sys.call(a, Message::Empty, T)
        .unwrap()
        .wait()
        .unwrap()
        .downcast::<Vec<i64>>()
        .unwrap()
}

#[test]
fn upgrade_under_load_loses_and_reorders_nothing() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system().clone();
    let a = katalyst::actor::upgrade::spawn(
        &sys,
        V1 { seen: Vec::new() },
        SpawnOptions {
            mailbox_capacity: Some(256),
            ..Default::default()
        },
    )
    .unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    const N: i64 = 20_000;
    let producer = {
        let (sys, sent) = (sys.clone(), sent.clone());
        std::thread::spawn(move || {
            for i in 0..N {
                block_on(sys.cast_wait(a, Message::Int(i))).unwrap();
                sent.store(i as u64 + 1, Ordering::Relaxed);
            }
        })
    };
    while sent.load(Ordering::Relaxed) < 5_000 {
        std::thread::yield_now();
    }
    let by_v2 = Arc::new(AtomicU64::new(0));
    let b2 = by_v2.clone();
    let v = upgrade(
        &sys,
        a,
        migrate(move |old: &V1| {
            Ok(V2 {
                seen: old.seen.clone(),
                handled_by_v2: b2,
                fail_init: false,
            })
        }),
    )
    .unwrap()
    .wait()
    .unwrap();
    assert_eq!(v.as_int(), Some(2));
    producer.join().unwrap();
    let seen = dump(&sys, a);
    assert_eq!(seen.len(), N as usize, "lost messages");
    assert!(
        seen.iter().enumerate().all(|(i, &x)| x == i as i64),
        "reordered"
    );
    let n2 = by_v2.load(Ordering::Relaxed);
    assert!(n2 > 0 && n2 < N as u64, "v2 handled {n2}");
    assert_eq!(sys.version_of(a), Some(2));
}

#[test]
fn a_failing_or_panicking_migration_or_init_keeps_the_old_version() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let a = katalyst::actor::upgrade::spawn(sys, V1 { seen: Vec::new() }, SpawnOptions::default())
        .unwrap();
    sys.cast(a, Message::Int(7)).unwrap();
    let by_v2 = Arc::new(AtomicU64::new(0));
    let attempts: Vec<Migrate> = vec![
        migrate(|_old: &V1| -> Result<V2, String> { Err("cannot convert".into()) }),
        migrate(|_old: &V1| -> Result<V2, String> { panic!("migrate blew up") }),
        {
            let b = by_v2.clone();
            migrate(move |old: &V1| {
                Ok(V2 {
                    seen: old.seen.clone(),
                    handled_by_v2: b,
                    fail_init: true,
                })
            })
        },
        // Wrong old type.
        migrate(|_old: &V2| Ok(V1 { seen: Vec::new() })),
    ];
    for m in attempts {
        let e = upgrade(sys, a, m).unwrap().wait().unwrap_err();
        assert_eq!(e.code(), "upgrade_failed", "{e}");
        // Old version, old state, still running.
        sys.cast(a, Message::Int(8)).unwrap();
        let seen = dump(sys, a);
        assert_eq!(seen[0], 7);
        assert_eq!(sys.version_of(a), Some(1));
    }
    assert_eq!(by_v2.load(Ordering::Relaxed), 0);
    let events = sys.take_otp_events();
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, OtpEvent::UpgradeFailed { .. }))
            .count(),
        4
    );
}

#[test]
fn rollback_restores_the_previous_version() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let a = katalyst::actor::upgrade::spawn(sys, V1 { seen: vec![1] }, SpawnOptions::default())
        .unwrap();
    let b = Arc::new(AtomicU64::new(0));
    let b2 = b.clone();
    upgrade(
        sys,
        a,
        migrate(move |old: &V1| {
            Ok(V2 {
                seen: old.seen.clone(),
                handled_by_v2: b2,
                fail_init: false,
            })
        }),
    )
    .unwrap()
    .wait()
    .unwrap();
    let r = sys.call(a, Message::Int(5), T).unwrap().wait().unwrap();
    assert_eq!(r.as_int(), Some(2));
    let v = rollback(sys, a).unwrap().wait().unwrap();
    assert_eq!(v.as_int(), Some(1));
    let r = sys.call(a, Message::Int(6), T).unwrap().wait().unwrap();
    assert_eq!(r.as_int(), Some(1));
    // V1's state as it was when replaced, plus what it handled since.
    assert_eq!(dump(sys, a), vec![1, 6]);
    assert_eq!(sys.version_of(a), Some(1));
    let ev = sys.take_otp_events();
    assert!(
        matches!(
            ev[..],
            [
                OtpEvent::Upgraded { from: 1, to: 2, .. },
                OtpEvent::Upgraded { from: 2, to: 1, .. }
            ]
        ),
        "{ev:?}"
    );
}

#[test]
fn the_tree_shows_states_restarts_versions_and_events_report_restarts() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let crashy = || {
        ChildSpec::new("crashy", |_| {
            Ok(Box::new(upgradable(from_fn(|m, _| match m.as_int() {
                Some(0) => Err(ExitReason::error("boom")),
                _ => Ok(m),
            }))) as Box<dyn Behaviour>)
        })
    };
    let inner = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(5, Duration::from_secs(5))
        .child(crashy());
    let root = start(
        sys,
        SupervisorSpec::new(Strategy::OneForOne)
            .child(ChildSpec::new("plain", |_| {
                Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>)
            }))
            .child(ChildSpec::supervisor("inner", inner)),
    )
    .unwrap();
    let t = tree(sys, root).unwrap();
    let inner_node = &t.children[1];
    let c = inner_node.children[0].actor.unwrap();
    sys.cast(c, Message::Int(0)).unwrap();
    let t0 = std::time::Instant::now();
    loop {
        let t = tree(sys, root).unwrap();
        let crashy = &t.children[1].children[0];
        if crashy.restarts == 1 && crashy.state == ChildState::Running {
            assert_eq!(crashy.version, Some(1));
            assert_ne!(crashy.actor, Some(c));
            assert_eq!(t.children[0].version, None);
            assert_eq!(t.children[1].kind, ChildKind::Supervisor);
            break;
        }
        assert!(t0.elapsed() < T);
        std::thread::sleep(Duration::from_millis(5));
    }
    let ev = sys.take_otp_events();
    assert!(ev.iter().any(|e| matches!(e, OtpEvent::Restarted { child, reason, .. } if child == "crashy" && reason.kind() == "error")), "{ev:?}");
}
