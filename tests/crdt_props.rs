//! Property tests: every CRDT type is a join-semilattice, its deltas are faithful, and its
//! encoding round-trips and is canonical.
#![cfg(not(target_arch = "wasm32"))]

#[path = "crdt_support/models.rs"]
mod models;
use katalyst::crdt::*;
use models::Model;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Op { r: usize, kind: u8, x: u8, t: u64 },
    Merge { from: usize, to: usize },
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let op = (0..3usize, any::<u8>(), 0..5u8, 0..40u64).prop_map(|(r, kind, x, t)| Step::Op {
        r,
        kind,
        x,
        t,
    });
    let merge = (0..3usize, 0..3usize).prop_map(|(from, to)| Step::Merge { from, to });
    prop::collection::vec(prop_oneof![3 => op, 1 => merge], 0..30)
}

/// Replays `steps` on three replicas (ids 10, 20, 30); checks each delta on the way.
fn replay<T: Model>(steps: &[Step]) -> Result<([T; 3], Vec<T>), TestCaseError> {
    let mut s: [T; 3] = [T::default(), T::default(), T::default()];
    let mut deltas = Vec::new();
    for st in steps {
        match *st {
            Step::Op { r, kind, x, t } => {
                let before = s[r].clone();
                let d = s[r].mutate(10 * (r as u64 + 1), kind, x, t);
                let mut via_delta = before;
                via_delta.merge(&d);
                prop_assert_eq!(
                    via_delta.encode(),
                    s[r].encode(),
                    "old ⊔ delta ≠ new for {:?}",
                    st
                );
                deltas.push(d);
            }
            Step::Merge { from, to } => {
                let src = s[from].clone();
                s[to].merge(&src);
            }
        }
    }
    Ok((s, deltas))
}

fn join<T: Crdt>(a: &T, b: &T) -> T {
    let mut x = a.clone();
    x.merge(b);
    x
}

fn laws<T: Model>(steps: &[Step], order_seed: u64) -> Result<(), TestCaseError> {
    let ([a, b, c], deltas) = replay::<T>(steps)?;
    // Commutative, associative, idempotent (compared by canonical bytes).
    prop_assert_eq!(join(&a, &b).encode(), join(&b, &a).encode());
    prop_assert_eq!(
        join(&join(&a, &b), &c).encode(),
        join(&a, &join(&b, &c)).encode()
    );
    prop_assert_eq!(join(&a, &a).encode(), a.encode());
    let mut owned = a.clone();
    owned.merge_owned(b.clone());
    prop_assert_eq!(owned.encode(), join(&a, &b).encode(), "merge_owned ≠ merge");
    prop_assert_eq!(join(&join(&a, &b), &b).encode(), join(&a, &b).encode());
    // Round trip and canonical form.
    for s in [&a, &b, &c] {
        let bytes = s.encode();
        let back = T::decode(&bytes).map_err(|e| TestCaseError::fail(format!("decode: {e}")))?;
        prop_assert_eq!(back.encode(), bytes);
        prop_assert_eq!(back.view(), s.view());
    }
    // Deltas joined in any order give the same bytes, equal to the join of all states.
    let all = join(&join(&a, &b), &c);
    let mut fwd = T::default();
    for d in &deltas {
        fwd.merge(d);
    }
    let mut order: Vec<usize> = (0..deltas.len()).collect();
    let mut rng = models::Rng(order_seed);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let mut shuffled = T::default();
    for &i in &order {
        shuffled.merge(&deltas[i]);
    }
    prop_assert_eq!(fwd.encode(), shuffled.encode());
    prop_assert_eq!(fwd.view(), all.view());
    // Delta-groups: joining deltas first, then applying the group, is the same.
    let mut group = T::default();
    for d in deltas.iter().rev() {
        group.merge(d);
    }
    let mut via_group = T::default();
    via_group.merge(&group);
    prop_assert_eq!(via_group.encode(), fwd.encode());
    // Sync: a delta_since each replica's versions brings it to the join.
    for s in [&a, &b, &c] {
        let d = all.delta_since(&s.versions());
        let mut x = s.clone();
        x.merge(&d);
        prop_assert_eq!(x.view(), all.view());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test] fn vclock_laws(s in steps(), o in any::<u64>()) { laws::<VClock>(&s, o)?; }
    #[test] fn gcounter_laws(s in steps(), o in any::<u64>()) { laws::<GCounter>(&s, o)?; }
    #[test] fn pncounter_laws(s in steps(), o in any::<u64>()) { laws::<PNCounter>(&s, o)?; }
    #[test] fn gset_laws(s in steps(), o in any::<u64>()) { laws::<GSet<Value>>(&s, o)?; }
    #[test] fn orset_laws(s in steps(), o in any::<u64>()) { laws::<ORSet<Value>>(&s, o)?; }
    #[test] fn orset_u64_laws(s in steps(), o in any::<u64>()) { laws::<ORSet<u64>>(&s, o)?; }
    #[test] fn lww_register_laws(s in steps(), o in any::<u64>()) { laws::<LWWRegister<Value>>(&s, o)?; }
    #[test] fn mv_register_laws(s in steps(), o in any::<u64>()) { laws::<MVRegister<Value>>(&s, o)?; }
    #[test] fn lww_map_laws(s in steps(), o in any::<u64>()) { laws::<LWWMap<Value>>(&s, o)?; }
    #[test] fn agent_state_laws(s in steps(), o in any::<u64>()) { laws::<AgentState>(&s, o)?; }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Number),
        (-1000i64..1000).prop_map(|i| Value::Number(i as f64)),
        Just(Value::Number(-0.0)),
        "[a-z\u{e9}\u{1f600}]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{0,4}", inner, 0..5).prop_map(Value::Object),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Values round-trip exactly (−0 stays −0) and their encoding is canonical.
    #[test]
    fn value_round_trip(v in json_value()) {
        let mut w = Writer::default();
        v.encode(&mut w);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        let back = Value::decode(&mut r).unwrap();
        r.finish().unwrap();
        prop_assert_eq!(&back, &v);
        let mut w2 = Writer::default();
        back.encode(&mut w2);
        prop_assert_eq!(w2.into_bytes(), bytes);
    }

    /// An LWW map built from the same writes in any order encodes the same.
    #[test]
    fn lww_map_canonical_across_orders(keys in prop::collection::vec(("[a-c]{1,3}", json_value(), 0..5u64, 0..100u64), 1..12), seed in any::<u64>()) {
        // Each replica writes from its own map, so dots stay unique per replica.
        let mut writers: Vec<LWWMap> = vec![LWWMap::default(); 5];
        let deltas: Vec<LWWMap> = keys.iter().map(|(k, v, r, t)| writers[*r as usize].set(*r, k, v.clone(), *t)).collect();
        let mut a = LWWMap::default();
        for d in &deltas { a.merge(d); }
        let mut order: Vec<usize> = (0..deltas.len()).collect();
        let mut rng = models::Rng(seed);
        for i in (1..order.len()).rev() { order.swap(i, rng.below(i as u64 + 1) as usize); }
        let mut b = LWWMap::default();
        for &i in &order { b.merge(&deltas[i]); }
        prop_assert_eq!(a.encode(), b.encode());
    }

    /// Version vectors compare like the pointwise order they are.
    #[test]
    fn vclock_compare_matches_pointwise(a in prop::collection::btree_map(0..4u64, 0..4u64, 0..4), b in prop::collection::btree_map(0..4u64, 0..4u64, 0..4)) {
        let va = VClock::from_entries(a.clone());
        let vb = VClock::from_entries(b.clone());
        let get = |m: &std::collections::BTreeMap<u64, u64>, k: u64| m.get(&k).copied().unwrap_or(0);
        let le = (0..4).all(|k| get(&a, k) <= get(&b, k));
        let ge = (0..4).all(|k| get(&a, k) >= get(&b, k));
        let want = match (le, ge) {
            (true, true) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            _ => Causality::Concurrent,
        };
        prop_assert_eq!(va.compare(&vb), want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Dot sets behave like the plain set of dots they stand for, and round-trip through GSet
    /// encodings (which carry one).
    #[test]
    fn dot_set_matches_a_plain_set(ranges in prop::collection::vec((0..3u64, 1..40u64, 0..5u64), 0..20), floor in prop::collection::btree_map(0..3u64, 0..40u64, 0..3)) {
        let mut ds = DotSet::default();
        let mut reference = std::collections::BTreeSet::new();
        for (r, start, len) in ranges {
            ds.insert_range(r, start, start + len);
            for c in start..=start + len {
                reference.insert((r, c));
            }
        }
        for r in 0..3 {
            for c in 1..50 {
                prop_assert_eq!(ds.contains(Dot::new(r, c)), reference.contains(&(r, c)));
            }
            let prefix = (1..).take_while(|c| reference.contains(&(r, *c))).count() as u64;
            prop_assert_eq!(ds.version().get(r), prefix);
        }
        let vv = VClock::from_entries(floor.clone());
        let since = ds.since(&vv);
        for r in 0..3 {
            for c in 1..50 {
                let want = reference.contains(&(r, c)) && c > floor.get(&r).copied().unwrap_or(0);
                prop_assert_eq!(since.contains(Dot::new(r, c)), want);
            }
        }
    }
}
