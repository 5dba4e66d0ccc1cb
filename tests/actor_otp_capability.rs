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
            Arc::new(|_m: &Message| Some(Capability::new("file.write"))),
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
            Arc::new(|_m: &Message| None),
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
    let need = |name: &'static str| -> Requirement {
        Arc::new(move |_m: &Message| Some(Capability::new(name)))
    };
    for round in 0..3 {
        for (i, auth) in auths.iter().enumerate() {
            let a: CapSet = Arc::new([auth.issue(Capability::new("a"))]);
            let wire = auth.issue(Capability::new("b"));
            let b: CapSet = Arc::new([auth
                .adopt(&CapToken::forge(wire.capability().clone(), *wire.tag()))
                .unwrap()]);
            auth.protect(sink, need("a"));
            assert!(
                auth.cast(&a, sink, Message::Int(1)).is_ok(),
                "round {round}, authority {i}"
            );
            assert!(
                auth.cast(&b, sink, Message::Int(1)).is_err(),
                "round {round}, authority {i}"
            );
            auth.protect(sink, need("b"));
            assert!(
                auth.cast(&a, sink, Message::Int(1)).is_err(),
                "round {round}, authority {i}"
            );
            assert!(
                auth.cast(&b, sink, Message::Int(1)).is_ok(),
                "round {round}, authority {i}"
            );
        }
    }
    // Another authority's token never counts, adopted or not.
    let foreign = auths[1].issue(Capability::new("b"));
    assert!(auths[0].adopt(&foreign).is_none());
}
