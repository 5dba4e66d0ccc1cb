//! AgentState semantics: skill scores in [0, 1] with last-writer-wins, episodes keyed by
//! (replica, sequence), and the fingerprint against the documented layout hashed here with the
//! `sha2` crate directly.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use katalyst::crdt::*;
use sha2::{Digest, Sha384};

fn reference_fingerprint(skills: &[(&str, f64)], episodes: &[(u64, u64, &[u8])]) -> Vec<u8> {
    let mut m: Vec<u8> = Vec::new();
    let domain = b"katalyst.agent-state.v1";
    m.extend((domain.len() as u64).to_be_bytes());
    m.extend(domain);
    m.extend((skills.len() as u64).to_be_bytes());
    for (name, score) in skills {
        m.extend((name.len() as u64).to_be_bytes());
        m.extend(name.as_bytes());
        m.extend(score.to_bits().to_be_bytes());
    }
    m.extend((episodes.len() as u64).to_be_bytes());
    for (r, seq, v) in episodes {
        m.extend(r.to_be_bytes());
        m.extend(seq.to_be_bytes());
        m.extend((v.len() as u64).to_be_bytes());
        m.extend(*v);
    }
    Sha384::digest(&m).to_vec()
}

#[test]
fn fingerprint_matches_the_documented_layout() {
    let mut a = AgentState::default();
    a.set_skill(1, "search", 0.5, 10).unwrap();
    a.set_skill(2, "code", 1.0, 10).unwrap();
    a.set_skill(2, "gone", 0.1, 10).unwrap();
    a.remove_skill(2, "gone", 11);
    a.append_episode(7, Value::from("x"));
    a.append_episode(7, Value::Null);
    a.append_episode(3, Value::from(true));
    // Codec encodings of the episodes: "x" = tag 5, length 1, 'x'; null = 0; true = 2.
    let want = reference_fingerprint(
        &[("code", 1.0), ("search", 0.5)],
        &[(3, 1, &[2]), (7, 1, &[5, 1, b'x']), (7, 2, &[0])],
    );
    assert_eq!(a.fingerprint().to_vec(), want);
    // Empty state.
    assert_eq!(
        AgentState::default().fingerprint().to_vec(),
        reference_fingerprint(&[], &[])
    );
}

#[test]
fn skills_are_last_writer_wins_and_scores_checked() {
    let mut a = AgentState::default();
    let mut b = AgentState::default();
    let da = a.set_skill(1, "s", 0.2, 100).unwrap();
    let db = b.set_skill(2, "s", 0.9, 50).unwrap(); // older wall time loses
    a.merge(&db);
    b.merge(&da);
    assert_eq!(a.skill("s").unwrap().score, 0.2);
    assert_eq!(b.skill("s").unwrap().score, 0.2);
    assert_eq!(a.fingerprint(), b.fingerprint());
    // After seeing a's write, b's next write wins even with a wall clock behind (HLC).
    b.set_skill(2, "s", 0.7, 10).unwrap();
    assert_eq!(b.skill("s").unwrap().score, 0.7);
    assert!(b.skill("s").unwrap().timestamp > Timestamp::new(100, 0));
    for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
        assert!(a.set_skill(1, "s", bad, 0).is_err());
    }
    assert_eq!(
        a.skill("s").unwrap().score,
        0.2,
        "refused writes change nothing"
    );
}

#[test]
fn episodes_append_per_replica_and_sync_by_sequence() {
    let opts = DecodeOptions::default();
    let mut a = Replica::<AgentState>::new(1);
    let mut b = Replica::<AgentState>::new(2);
    for i in 0..5 {
        a.update(|s, id| s.append_episode(id, Value::from(i as f64)));
    }
    b.update(|s, id| s.append_episode(id, Value::from("b1")));
    let resp = a.sync_response(&b.sync_request(), &opts).unwrap();
    b.apply(&resp, &opts).unwrap();
    let resp = b.sync_response(&a.sync_request(), &opts).unwrap();
    a.apply(&resp, &opts).unwrap();
    let keys: Vec<(u64, u64)> = a.state().episodes().map(|(k, _)| k).collect();
    assert_eq!(keys, vec![(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (2, 1)]);
    assert_eq!(a.state().encode(), b.state().encode());
    // One more episode: the answer carries just that one.
    a.update(|s, id| s.append_episode(id, Value::from("new")));
    let resp = a.sync_response(&b.sync_request(), &opts).unwrap();
    let delta = AgentState::decode(&resp).unwrap();
    assert_eq!(delta.episodes().count(), 1);
}
