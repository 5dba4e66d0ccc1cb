//! Capabilities: allow, deny (forbidden + audit), implication, scope globs, attenuation,
//! delegation, forged-token rejection, propagation along a call chain.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::Duration;

use katalyst::actor::capability::*;
use katalyst::actor::*;
use katalyst::error::Classify;

const T: Duration = Duration::from_secs(5);

/// Messages are `Bytes(path)`; reading needs `file.read:<path>`.
fn read_need() -> Requirement {
    Arc::new(|m: &Message| {
        let path = std::str::from_utf8(m.as_bytes()?).ok()?;
        Some(Capability::scoped("file.read", path.to_string()))
    })
}

fn setup() -> (NativeExecutor, Arc<Authority>) {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let mut h = Hierarchy::default();
    h.declare("admin", "file.write");
    h.declare("file.write", "file.read");
    let auth = Authority::new(ex.system(), h).unwrap();
    (ex, auth)
}

fn caps(auth: &Authority, list: &[&str]) -> CapSet {
    list.iter()
        .map(|c| auth.issue(Capability::parse(c).unwrap()))
        .collect::<Vec<_>>()
        .into()
}

fn read(auth: &Authority, c: &CapSet, fs: ActorRef, path: &str) -> Result<Message, ActorError> {
    auth.call(c, fs, Message::from(path.as_bytes()), T)?.wait()
}

#[test]
fn allow_deny_and_audit() {
    let (ex, auth) = setup();
    let (tx, rx) = channel();
    let fs = auth
        .spawn_guarded(
            from_fn(move |m, _| {
                let _ = tx.send(m.as_bytes().map(|b| b.to_vec()));
                Ok(Message::Int(1))
            }),
            read_need(),
            SpawnOptions::default(),
        )
        .unwrap();
    let docs = caps(&auth, &["file.read:/docs/*"]);
    assert_eq!(
        read(&auth, &docs, fs, "/docs/a.txt").unwrap().as_int(),
        Some(1)
    );
    let before = ex.system().now();
    let e = read(&auth, &docs, fs, "/etc/passwd").unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("file.read:/etc/passwd"), "{e}");
    // Not delivered: the behaviour only ever saw the allowed message.
    assert_eq!(rx.recv_timeout(T).unwrap(), Some(b"/docs/a.txt".to_vec()));
    assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
    // Deny by default: no capabilities at all.
    let none: CapSet = Arc::new([]);
    assert!(auth
        .cast(&none, fs, Message::from(&b"/docs/a"[..]))
        .is_err());
    let audit = auth.audit();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].missing, "file.read:/etc/passwd");
    assert_eq!(audit[0].to, fs);
    assert!(audit[0].at >= before && audit[1].at >= audit[0].at);
}

#[test]
fn implication_grants_weaker_capabilities_only() {
    let (_ex, auth) = setup();
    let fs = auth
        .spawn_guarded(
            from_fn(|_m, _| Ok(Message::Int(1))),
            read_need(),
            SpawnOptions::default(),
        )
        .unwrap();
    assert!(read(&auth, &caps(&auth, &["admin"]), fs, "/any").is_ok());
    assert!(read(&auth, &caps(&auth, &["file.write:/docs/*"]), fs, "/docs/x").is_ok());
    assert!(read(&auth, &caps(&auth, &["file.write:/docs/*"]), fs, "/etc/x").is_err());
    // Weaker does not imply stronger.
    let writer = auth
        .spawn_guarded(
            from_fn(|_m, _| Ok(Message::Int(1))),
            Capability::new("file.write"),
            SpawnOptions::default(),
        )
        .unwrap();
    let e = auth
        .call(&caps(&auth, &["file.read"]), writer, Message::Empty, T)
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
}

#[test]
fn attenuation_narrows_and_never_widens() {
    let (_ex, auth) = setup();
    let fs = auth
        .spawn_guarded(
            from_fn(|_m, _| Ok(Message::Int(1))),
            read_need(),
            SpawnOptions::default(),
        )
        .unwrap();
    let admin = auth.issue(Capability::new("admin"));
    let ro = auth
        .attenuate(&admin, Capability::scoped("file.read", "/docs/*"))
        .unwrap();
    let ro_set: CapSet = Arc::new([ro.clone()]);
    assert!(read(&auth, &ro_set, fs, "/docs/q").is_ok());
    assert!(read(&auth, &ro_set, fs, "/home/q").is_err());
    // Widening: another name, a wider scope, no scope.
    assert!(auth
        .attenuate(&ro, Capability::scoped("file.write", "/docs/*"))
        .is_err());
    assert!(auth
        .attenuate(&ro, Capability::scoped("file.read", "/*"))
        .is_err());
    assert!(auth.attenuate(&ro, Capability::new("file.read")).is_err());
    let narrower = auth
        .attenuate(&ro, Capability::scoped("file.read", "/docs/public/*"))
        .unwrap();
    assert!(auth.verify(&narrower));
}

#[test]
fn forged_and_altered_tokens_are_rejected() {
    let (ex, auth) = setup();
    let fs = auth
        .spawn_guarded(
            from_fn(|_m, _| Ok(Message::Int(1))),
            read_need(),
            SpawnOptions::default(),
        )
        .unwrap();
    let real = auth.issue(Capability::scoped("file.read", "/docs/*"));
    // Same tag, wider capability.
    let altered = CapToken::forge(Capability::new("admin"), {
        let mut tag = [0u8; 32];
        // A tag copied from a genuine token of another capability.
        let other = auth.issue(Capability::new("file.read"));
        let _ = &other;
        tag[0] = 1;
        tag
    });
    let forged: CapSet = Arc::new([altered, CapToken::forge(Capability::new("admin"), [0; 32])]);
    assert!(read(&auth, &forged, fs, "/docs/a").is_err());
    // A token from another authority (another secret) does not verify here.
    let other = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    let foreign: CapSet = Arc::new([other.issue(Capability::new("admin"))]);
    assert!(!auth.verify(&foreign[0]));
    assert!(read(&auth, &foreign, fs, "/docs/a").is_err());
    assert!(auth.verify(&real));
}

#[test]
fn capabilities_propagate_along_a_call_chain_and_can_be_delegated() {
    let (ex, auth) = setup();
    let sys = ex.system();
    let (tx, rx) = channel();
    let fs = auth
        .spawn_guarded(
            from_fn(move |m, _| {
                let _ = tx.send(m.as_bytes().map(|b| b.to_vec()));
                Ok(Message::Empty)
            }),
            read_need(),
            SpawnOptions::default(),
        )
        .unwrap();
    // A front actor needing nothing itself, forwarding with the caller's capabilities.
    let a2 = auth.clone();
    let front = auth
        .spawn_guarded(
            from_fn(move |m, ctx| {
                let r = a2.cast_from(ctx, fs, m);
                Ok(Message::Int(r.is_ok() as i64))
            }),
            Requires::per_message(|_m: &Message| None),
            SpawnOptions::default(),
        )
        .unwrap();
    let docs = caps(&auth, &["file.read:/docs/*"]);
    let ok = auth
        .call(&docs, front, Message::from(&b"/docs/x"[..]), T)
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(ok.as_int(), Some(1));
    assert_eq!(rx.recv_timeout(T).unwrap(), Some(b"/docs/x".to_vec()));
    let none: CapSet = Arc::new([]);
    let denied = auth
        .call(&none, front, Message::from(&b"/docs/x"[..]), T)
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(denied.as_int(), Some(0));
    // A plain cast bypassing the authority is not delivered either.
    sys.cast(fs, Message::from(&b"/docs/y"[..])).unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
    // Delegation: a token handed to another party works for it.
    let delegated: CapSet = Arc::new([docs[0].clone()]);
    auth.cast(&delegated, fs, Message::from(&b"/docs/z"[..]))
        .unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), Some(b"/docs/z".to_vec()));
}

/// A sending thread keeps each authority's requirement table between sends: a new
/// declaration still applies from the very next send, with several authorities in turn (more
/// than the thread keeps tables for), and a token adopted from its wire form checks alike.
#[test]
fn requirement_changes_apply_to_the_next_send() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let auths: Vec<_> = (0..6)
        .map(|_| Authority::new(sys, Hierarchy::default()).unwrap())
        .collect();
    let sink = sys
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    // Both kinds: a fixed requirement (whose admissions each thread remembers) and one
    // computed per message.
    let needs: [fn(&'static str) -> Requires; 2] = [
        |name| Capability::new(name).into(),
        |name| Requires::per_message(move |_m: &Message| Some(Capability::new(name))),
    ];
    for (kind, need) in needs.iter().enumerate() {
        for round in 0..3 {
            for (i, auth) in auths.iter().enumerate() {
                let at = format!("kind {kind}, round {round}, authority {i}");
                let a: CapSet = Arc::new([auth.issue(Capability::new("a"))]);
                let wire = auth.issue(Capability::new("b"));
                let b: CapSet = Arc::new([auth
                    .adopt(&CapToken::forge(wire.capability().clone(), *wire.tag()))
                    .unwrap()]);
                let admin: CapSet =
                    Arc::new([auth.issue(Capability::new(format!("admin{kind}.{round}")))]);
                auth.protect(sink, need("a"));
                for _ in 0..2 {
                    assert!(auth.cast(&a, sink, Message::Int(1)).is_ok(), "{at}");
                    assert!(auth.cast(&b, sink, Message::Int(1)).is_err(), "{at}");
                    assert!(auth.cast(&admin, sink, Message::Int(1)).is_err(), "{at}");
                }
                auth.declare(&format!("admin{kind}.{round}"), "a");
                assert!(auth.cast(&admin, sink, Message::Int(1)).is_ok(), "{at}");
                auth.protect(sink, need("b"));
                for _ in 0..2 {
                    assert!(auth.cast(&a, sink, Message::Int(1)).is_err(), "{at}");
                    assert!(auth.cast(&b, sink, Message::Int(1)).is_ok(), "{at}");
                    assert!(auth.cast(&admin, sink, Message::Int(1)).is_err(), "{at}");
                }
            }
        }
    }
    // Another authority's token never counts, adopted or not.
    let foreign = auths[1].issue(Capability::new("b"));
    assert!(auths[0].adopt(&foreign).is_none());
}

/// What a thread remembers of admitted sends (fixed requirements) never admits another set,
/// another actor, another authority's send, or a message a per-message requirement refuses.
#[test]
fn remembered_admissions_apply_only_to_the_same_set_actor_and_authority() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let sys = ex.system();
    let auth = Authority::new(sys, Hierarchy::default()).unwrap();
    let other = Authority::new(sys, Hierarchy::default()).unwrap();
    let spawn = || {
        sys.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
            .unwrap()
    };
    let sinks: Vec<ActorRef> = (0..20).map(|_| spawn()).collect();
    for (i, s) in sinks.iter().enumerate() {
        auth.protect(*s, Capability::new(format!("s{}", i % 3)));
        other.protect(*s, Capability::new(format!("s{}", i % 3)));
    }
    let even: CapSet = Arc::new([auth.issue(Capability::new("s0"))]);
    for round in 0..200 {
        for (i, s) in sinks.iter().enumerate() {
            assert_eq!(auth.cast(&even, *s, Message::Int(1)).is_ok(), i % 3 == 0);
            // The same token under another authority does not verify there.
            assert!(other.cast(&even, *s, Message::Int(1)).is_err());
        }
        // A fresh set each round, dropped right after: a later set at the same address must
        // be checked on its own tokens.
        let odd: CapSet = Arc::new([auth.issue(Capability::new("s1"))]);
        assert!(auth.cast(&odd, sinks[1], Message::Int(round)).is_ok());
        drop(odd);
        let forged: CapSet = Arc::new([CapToken::forge(Capability::new("s1"), [round as u8; 32])]);
        assert!(auth.cast(&forged, sinks[1], Message::Int(round)).is_err());
    }
    // A per-message requirement is evaluated every time.
    let big = spawn();
    auth.protect(
        big,
        Requires::per_message(|m: &Message| (m.as_int()? > 9).then(|| Capability::new("bulk"))),
    );
    for _ in 0..3 {
        assert!(auth.cast(&even, big, Message::Int(1)).is_ok());
        assert!(auth.cast(&even, big, Message::Int(10)).is_err());
    }
}

/// A set sent often is pinned and its envelopes carry an index instead of a reference: the
/// receiver's own sends still carry exactly that set's rights, before and after, and a
/// requirement change still applies at once.
#[test]
fn a_pinned_set_carries_the_same_rights_as_a_shared_one() {
    let (ex, auth) = setup();
    let sys = ex.system();
    let (tx, rx) = channel();
    let sink = auth
        .spawn_guarded(
            from_fn(move |m, _| {
                let _ = tx.send(m.as_int());
                Ok(Message::Empty)
            }),
            Capability::new("sink"),
            SpawnOptions::default(),
        )
        .unwrap();
    let (ftx, frx) = channel();
    let a2 = auth.clone();
    let front = auth
        .spawn_guarded(
            from_fn(move |m, ctx| {
                let _ = ftx.send(a2.cast_from(ctx, sink, m).is_ok());
                Ok(Message::Empty)
            }),
            Capability::new("fwd"),
            SpawnOptions::default(),
        )
        .unwrap();
    let both = caps(&auth, &["fwd", "sink"]);
    let fwd_only = caps(&auth, &["fwd"]);
    let forwarded = |set: &CapSet, n: i64| {
        for i in 0..n {
            auth.cast(set, front, Message::Int(i)).unwrap();
        }
        (0..n).filter(|_| frx.recv_timeout(T).unwrap()).count() as i64
    };
    // Well past the pinning threshold, from this thread (to `front`) and from front's worker
    // (to `sink`).
    assert_eq!(forwarded(&both, 200), 200);
    let got: Vec<Option<i64>> = (0..200).map(|_| rx.recv_timeout(T).unwrap()).collect();
    assert_eq!(got, (0..200).map(Some).collect::<Vec<_>>());
    assert_eq!(forwarded(&fwd_only, 200), 0);
    let audit = auth.audit();
    assert_eq!(audit.len(), 200);
    assert!(audit.iter().all(|d| d.to == sink && d.missing == "sink"));
    // A fresh set with the same tokens finds the pinned one and carries the same rights.
    let again: CapSet = both.to_vec().into();
    assert_eq!(forwarded(&again, 50), 50);
    assert_eq!((0..50).filter_map(|_| rx.recv_timeout(T).ok()).count(), 50);
    // A new requirement applies from the next send, pinned or not.
    auth.protect(sink, Capability::new("other"));
    assert_eq!(forwarded(&both, 50), 0);
    assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
    assert!(sys.is_alive(front) && sys.is_alive(sink));
}

/// A guard checks what senders send, not what the runtime delivers: a guarded actor gets its
/// `DOWN` and trapped `EXIT` messages and its own timer messages, while the same values cast by
/// another sender without capabilities are refused.
#[test]
fn a_guarded_actor_gets_its_down_exit_and_timer_messages() {
    let (ex, auth) = setup();
    let sys = ex.system();
    let target = sys
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    let linked = sys
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    let (tx, rx) = channel();
    let g = auth
        .spawn_guarded(
            from_fn(move |m, ctx| {
                let seen = if let Some(d) = m.downcast_ref::<Down>() {
                    format!("down {}", d.reason.kind())
                } else if let Some(e) = m.downcast_ref::<ExitMsg>() {
                    format!("exit {}", e.reason.kind())
                } else if m.as_int() == Some(7) {
                    "tick".to_string()
                } else {
                    ctx.monitor(target);
                    ctx.trap_exit(true);
                    ctx.link(linked)
                        .map_err(|e| ExitReason::error(e.to_string()))?;
                    let me = ctx.myself();
                    ctx.send_after(me, Message::Int(7), Duration::from_millis(1));
                    "set up".to_string()
                };
                let _ = tx.send(seen);
                Ok(Message::Empty)
            }),
            Capability::new("x"),
            SpawnOptions::default(),
        )
        .unwrap();
    let x = caps(&auth, &["x"]);
    auth.call(&x, g, Message::Empty, T).unwrap().wait().unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), "set up");
    assert_eq!(rx.recv_timeout(T).unwrap(), "tick");
    sys.stop(target, ExitReason::error("gone")).unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), "down error");
    sys.stop(linked, ExitReason::error("gone")).unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), "exit error");
    assert!(auth.audit().is_empty(), "{:?}", auth.audit());
    // The same values from a sender without capabilities: refused and audited.
    let forged = Down {
        monitor: MonitorRef(1),
        actor: target,
        reason: ExitReason::NoProc,
    };
    sys.cast(g, Message::value(forged)).unwrap();
    sys.cast(g, Message::Int(7)).unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
    assert_eq!(auth.audit().len(), 2);
}

/// The runtime's `InitAck` for a child started with `spawn_link_acked` passes its parent's
/// guard (the runtime sends it, as a DOWN); the same value cast by anyone else does not.
#[test]
fn a_guarded_actor_gets_the_init_ack_of_its_child() {
    let (ex, auth) = setup();
    let sys = ex.system();
    let (tx, rx) = channel();
    let g = auth
        .spawn_guarded(
            from_fn(move |m, ctx| {
                if let Some(InitAck(child)) = m.downcast_ref::<InitAck>() {
                    let _ = tx.send(Some(*child));
                } else {
                    let child = ctx
                        .spawn_link_acked(Box::new(from_fn(|m, _| Ok(m))), SpawnOptions::default())
                        .map_err(|e| ExitReason::error(e.to_string()))?;
                    let _ = tx.send(None);
                    let _ = tx.send(Some(child));
                }
                Ok(Message::Empty)
            }),
            Capability::new("x"),
            SpawnOptions::default(),
        )
        .unwrap();
    auth.call(&caps(&auth, &["x"]), g, Message::Empty, T)
        .unwrap()
        .wait()
        .unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), None);
    let spawned = rx.recv_timeout(T).unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), spawned, "the child's InitAck");
    assert!(auth.audit().is_empty(), "{:?}", auth.audit());
    let forged = InitAck(spawned.unwrap());
    sys.cast(g, Message::value(forged)).unwrap();
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
    assert_eq!(auth.audit().len(), 1);
}

struct Adder(i64);
impl Behaviour for Adder {
    fn handle(&mut self, m: Message, _: &mut Context<'_>) -> Result<Message, ExitReason> {
        self.0 += m.as_int().unwrap_or(0);
        Ok(Message::Int(self.0))
    }
}

/// A guarded actor can be upgradable: upgrade and rollback pass its guard (only the runtime
/// makes them), and the guard still checks every message of every version.
#[test]
fn a_guarded_actor_can_be_upgraded_and_rolled_back() {
    use katalyst::actor::upgrade::{migrate, rollback, upgradable, upgrade};
    let (ex, auth) = setup();
    let sys = ex.system();
    let a = auth
        .spawn_guarded(
            upgradable(Adder(0)),
            Capability::new("add"),
            SpawnOptions::default(),
        )
        .unwrap();
    let add = caps(&auth, &["add"]);
    let none: CapSet = Arc::new([]);
    let call = |c: &CapSet, n: i64| auth.call(c, a, Message::Int(n), T)?.wait();
    assert_eq!(call(&add, 1).unwrap().as_int(), Some(1));
    let v = upgrade(sys, a, migrate(|old: &Adder| Ok(Adder(old.0 * 100))));
    assert_eq!(v.unwrap().wait().unwrap().as_int(), Some(2));
    assert_eq!(sys.version_of(a), Some(2));
    assert_eq!(call(&add, 1).unwrap().as_int(), Some(101));
    assert_eq!(call(&none, 1).unwrap_err().code(), "forbidden");
    assert_eq!(rollback(sys, a).unwrap().wait().unwrap().as_int(), Some(1));
    assert_eq!(call(&add, 1).unwrap().as_int(), Some(2));
    assert_eq!(call(&none, 1).unwrap_err().code(), "forbidden");
    assert_eq!(auth.audit().len(), 2);
}

#[test]
fn flood_casts_n_messages_checked_or_plain_and_waits_for_them() {
    let (ex, auth) = setup();
    let sys = ex.system();
    register_flood(sys, auth.clone());
    let counter = |tx: std::sync::mpsc::Sender<i64>| {
        from_fn(move |m, _| {
            if let Some(i) = m.as_int() {
                let _ = tx.send(i);
            }
            Ok(m)
        })
    };
    let (tx, rx) = channel();
    let guarded = auth
        .spawn_guarded(
            counter(tx),
            Capability::new("ingest"),
            SpawnOptions::default(),
        )
        .unwrap();
    let (tx, plain_rx) = channel();
    let plain = sys.spawn(counter(tx), SpawnOptions::default()).unwrap();
    let flood = sys
        .spawn_named("flood", Message::Empty, SpawnOptions::default())
        .unwrap();
    let request = |to: ActorRef, n: u32| {
        let id = to.id();
        Message::Bytes([id.slot, id.generation, n].map(u32::to_le_bytes).concat())
    };
    let ingest = caps(&auth, &["ingest"]);

    // Checked: every cast admitted, all handled, in order, before the answer.
    let ns = auth
        .call(&ingest, flood, request(guarded, 500), T)
        .unwrap()
        .wait();
    assert!(ns.unwrap().as_int().unwrap() > 0);
    assert_eq!(
        rx.try_iter().collect::<Vec<_>>(),
        (0..500).collect::<Vec<_>>()
    );
    // Plain, to an unguarded actor.
    let ns = sys.call(flood, request(plain, 300), T).unwrap().wait();
    assert!(ns.unwrap().as_int().unwrap() > 0);
    assert_eq!(plain_rx.try_iter().count(), 300);

    // Without the capability: the first cast is denied at the sender, nothing is delivered.
    let other = caps(&auth, &["file.read:/docs/*"]);
    let e = auth
        .call(&other, flood, request(guarded, 10), T)
        .unwrap()
        .wait()
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("ingest"), "{e}");
    assert_eq!(rx.try_iter().count(), 0);
    assert!(auth
        .audit()
        .iter()
        .any(|d| d.to == guarded && d.from == Some(flood) && d.missing == "ingest"));

    // Bad requests name what was expected.
    let e = sys
        .call(flood, request(plain, 0), T)
        .unwrap()
        .wait()
        .unwrap_err();
    assert!(e.to_string().contains("n must be at least 1, got 0"), "{e}");
    let e = sys
        .call(flood, Message::Int(3), T)
        .unwrap()
        .wait()
        .unwrap_err();
    assert!(e.to_string().contains("expected 12 bytes"), "{e}");
}
