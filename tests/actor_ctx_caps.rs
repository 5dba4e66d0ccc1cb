//! `Authority::call_as / cast_as`: sends checked at the sender on behalf of an actor that
//! sends outside a `Context` (JS module behaviours): the audit and the receiver name that
//! actor, a denied message is not delivered, an admitted one carries its capabilities on
//! along the chain (the receiver's own `call_from` passes them on).
#![cfg(not(target_arch = "wasm32"))]

use std::sync::mpsc::channel;
use std::sync::Arc;
use std::time::Duration;

use katalyst::actor::capability::*;
use katalyst::actor::*;
use katalyst::error::Classify;

const T: Duration = Duration::from_secs(5);

fn need(name: &'static str) -> Requirement {
    Arc::new(move |_m: &Message| Some(Capability::new(name)))
}

fn setup() -> (NativeExecutor, Arc<Authority>) {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    (ex, auth)
}

#[test]
fn call_as_names_the_sender_and_denies_at_the_sender() {
    let (ex, auth) = setup();
    let (tx, rx) = channel();
    let vault = auth
        .spawn_guarded(
            from_fn(move |m, ctx| {
                let _ = tx.send(ctx.sender());
                Ok(m)
            }),
            need("vault.read"),
            SpawnOptions::default(),
        )
        .unwrap();
    let me = ex
        .system()
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    let read: CapSet = Arc::new([auth.issue(Capability::new("vault.read"))]);
    let other: CapSet = Arc::new([auth.issue(Capability::new("other"))]);

    let r = auth
        .call_as(&read, Some(me), vault, Message::Int(3), T)
        .unwrap()
        .wait();
    assert_eq!(r.unwrap().as_int(), Some(3));
    assert_eq!(
        rx.recv_timeout(T).unwrap(),
        Some(me),
        "the receiver sees the sender"
    );

    let Err(e) = auth.call_as(&other, Some(me), vault, Message::Int(4), T) else {
        panic!("denied at the sender");
    };
    assert_eq!(e.code(), "forbidden");
    assert!(e.to_string().contains("vault.read"));
    assert!(
        rx.recv_timeout(Duration::from_millis(200)).is_err(),
        "not delivered"
    );
    let audit = auth.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].from, Some(me));
    assert_eq!(audit[0].to, vault);
    assert_eq!(audit[0].missing, "vault.read");
}

#[test]
fn cast_as_delivers_with_capabilities_or_refuses() {
    let (ex, auth) = setup();
    let (tx, rx) = channel();
    let store = auth
        .spawn_guarded(
            from_fn(move |m, _| {
                let _ = tx.send(m.as_int());
                Ok(Message::Empty)
            }),
            need("vault.write"),
            SpawnOptions::default(),
        )
        .unwrap();
    let me = ex
        .system()
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    let write: CapSet = Arc::new([auth.issue(Capability::new("vault.write"))]);
    let none: CapSet = Arc::new([]);
    auth.cast_as(&write, Some(me), store, Message::Int(1))
        .unwrap();
    let e = auth
        .cast_as(&none, Some(me), store, Message::Int(2))
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
    auth.cast_as(&write, None, store, Message::Int(3)).unwrap();
    assert_eq!(rx.recv_timeout(T).unwrap(), Some(1));
    assert_eq!(rx.recv_timeout(T).unwrap(), Some(3));
    assert_eq!(auth.audit()[0].from, Some(me));
}

#[test]
fn capabilities_sent_with_call_as_propagate_along_the_chain() {
    let (ex, auth) = setup();
    let vault = auth
        .spawn_guarded(
            from_fn(|m, _| Ok(m)),
            need("vault.read"),
            SpawnOptions::default(),
        )
        .unwrap();
    // A forwarder (not guarded) that passes on what its message carried.
    let (tx, rx) = channel();
    let a2 = auth.clone();
    let fwd = ex
        .system()
        .spawn(
            from_fn(move |m, ctx| {
                let _ = tx.send(a2.call_from(ctx, vault, m, T).map_err(|e| e.code()));
                Ok(Message::Empty)
            }),
            SpawnOptions::default(),
        )
        .unwrap();
    let me = ex
        .system()
        .spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default())
        .unwrap();
    let read: CapSet = Arc::new([auth.issue(Capability::new("vault.read"))]);
    let none: CapSet = Arc::new([]);
    auth.cast_as(&read, Some(me), fwd, Message::Int(1)).unwrap();
    assert!(rx.recv_timeout(T).unwrap().is_ok(), "carried on");
    auth.cast_as(&none, Some(me), fwd, Message::Int(2)).unwrap();
    assert_eq!(
        rx.recv_timeout(T).unwrap(),
        Err("forbidden"),
        "deny by default"
    );
}
