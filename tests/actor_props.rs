//! Property test of the mailbox against a plain model: bounded capacity, FIFO, cancelled calls
//! never handled, on one hand-driven worker (deterministic).
#![cfg(not(target_arch = "wasm32"))]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use katalyst::actor::*;
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Cast(i64),
    CallThenCancel(i64),
    Call(i64),
    RunAll,
    RunOneTurn,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0i64..1000).prop_map(Op::Cast),
        1 => (0i64..1000).prop_map(Op::CallThenCancel),
        1 => (0i64..1000).prop_map(Op::Call),
        2 => Just(Op::RunAll),
        1 => Just(Op::RunOneTurn),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn mailbox_matches_a_bounded_fifo_model(
        capacity in 1usize..8,
        budget in 1usize..5,
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        let sys = System::new(
            Config { workers: 1, message_budget: budget, watchdog_limit: None, ..Config::default() },
            Arc::new(InstantClock::new()),
        ).expect("system");
        let mut w = sys.worker(0).expect("worker");
        let handled = Arc::new(Mutex::new(Vec::new()));
        let h2 = handled.clone();
        let a = sys.spawn(
            from_fn(move |m, _| {
                h2.lock().expect("lock").push(m.as_int().unwrap_or(-1));
                Ok(m)
            }),
            SpawnOptions { mailbox_capacity: Some(capacity), ..Default::default() },
        ).expect("spawn");
        while w.run_slice(8) == Slice::Busy {}

        // The model: what is queued (None = a cancelled call still holding its slot) and
        // what must have been handled, in order.
        let mut queued: std::collections::VecDeque<Option<i64>> = Default::default();
        let mut expected = Vec::new();
        let mut calls = Vec::new();
        for op in ops {
            match op {
                Op::Cast(v) | Op::Call(v) | Op::CallThenCancel(v) => {
                    let full = queued.len() >= capacity;
                    let accepted = match op {
                        Op::Cast(_) => sys.cast(a, Message::Int(v)).is_ok(),
                        _ => match sys.call(a, Message::Int(v), Duration::from_secs(60)) {
                            Ok(h) => {
                                if matches!(op, Op::CallThenCancel(_)) {
                                    prop_assert!(h.cancel());
                                    queued.push_back(None);
                                } else {
                                    queued.push_back(Some(v));
                                    calls.push((v, h));
                                }
                                true
                            }
                            Err(_) => false,
                        },
                    };
                    prop_assert_eq!(accepted, !full, "capacity {} queued {}", capacity, queued.len());
                    if accepted && matches!(op, Op::Cast(_)) {
                        queued.push_back(Some(v));
                    }
                }
                Op::RunAll => {
                    while w.run_slice(8) == Slice::Busy {}
                    expected.extend(queued.drain(..).flatten());
                }
                Op::RunOneTurn => {
                    w.run_slice(1);
                    // One turn takes up to `budget` entries; cancelled calls are skipped
                    // without counting against it.
                    let mut taken = 0;
                    while taken < budget {
                        match queued.pop_front() {
                            Some(Some(v)) => { expected.push(v); taken += 1; }
                            Some(None) => {}
                            None => break,
                        }
                    }
                    while matches!(queued.front(), Some(None)) && taken < budget {
                        queued.pop_front();
                    }
                }
            }
            prop_assert_eq!(&*handled.lock().expect("lock"), &expected);
        }
        while w.run_slice(8) == Slice::Busy {}
        expected.extend(queued.drain(..).flatten());
        prop_assert_eq!(&*handled.lock().expect("lock"), &expected);
        for (v, h) in calls {
            prop_assert_eq!(h.try_take().map(|r| r.map(|m| m.as_int())), Some(Ok(Some(v))));
        }
    }
}
