//! Pools: routing strategies, affinity stability under resizing (rendezvous hashing), canary
//! split, promote / rollback, adaptive sizing records.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use katalyst::actor::capability::*;
use katalyst::actor::pool::*;
use katalyst::actor::*;

type Counts = Arc<Mutex<HashMap<ActorRef, u64>>>;

fn counting(counts: &Counts, sleep: Duration) -> Factory {
    let counts = counts.clone();
    Arc::new(move || {
        let counts = counts.clone();
        Box::new(from_fn(move |m, ctx| {
            *counts.lock().unwrap().entry(ctx.myself()).or_default() += 1;
            if m.as_int() == Some(-1) {
                std::thread::sleep(sleep);
            }
            Ok(m)
        })) as Box<dyn Behaviour>
    })
}

fn settle(counts: &Counts, total: u64) {
    let t0 = Instant::now();
    while counts.lock().unwrap().values().sum::<u64>() < total {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "messages not handled"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn round_robin_spreads_evenly() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let counts = Counts::default();
    let pool = Pool::new(
        ex.system(),
        counting(&counts, Duration::ZERO),
        PoolSpec {
            size: 4,
            ..Default::default()
        },
    )
    .unwrap();
    for i in 0..400 {
        pool.cast(Message::Int(i)).unwrap();
    }
    settle(&counts, 400);
    let c = counts.lock().unwrap();
    assert_eq!(c.len(), 4);
    assert!(c.values().all(|&n| n == 100), "{c:?}");
}

#[test]
fn rendezvous_moves_about_one_in_n_plus_one_keys_when_growing() {
    for n in [4u64, 10, 32] {
        let before: Vec<u64> = (1..=n).collect();
        let after: Vec<u64> = (1..=n + 1).collect();
        let keys = 10_000;
        let mut moved = 0;
        for k in 0..keys {
            let h = key_hash(format!("key-{k}").as_bytes());
            let a = rendezvous(h, &before).unwrap();
            let b = rendezvous(h, &after).unwrap();
            if a != b {
                moved += 1;
                // A key only ever moves to the new member.
                assert_eq!(b as u64, n, "key {k} moved between old members");
            }
        }
        let frac = moved as f64 / keys as f64;
        let expect = 1.0 / (n + 1) as f64;
        assert!(
            (frac - expect).abs() < 0.03,
            "n={n}: moved {frac:.3}, expected ≈{expect:.3}"
        );
        // Balance: each member gets about 1/n of the keys.
        let mut per = vec![0u32; n as usize];
        for k in 0..keys {
            per[rendezvous(key_hash(format!("key-{k}").as_bytes()), &before).unwrap()] += 1;
        }
        let ideal = keys as f64 / n as f64;
        assert!(
            per.iter().all(|&c| (c as f64 - ideal).abs() < ideal * 0.25),
            "{per:?}"
        );
    }
}

#[test]
fn affinity_keys_stay_put_and_the_pool_growing_moves_few() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let counts = Counts::default();
    let spec = PoolSpec {
        size: 8,
        routing: Routing::Affinity,
        ..Default::default()
    };
    let pool = Pool::new(ex.system(), counting(&counts, Duration::ZERO), spec).unwrap();
    let keys: Vec<String> = (0..5000).map(|i| format!("user:{i}")).collect();
    let before: Vec<ActorRef> = keys
        .iter()
        .map(|k| pool.member_for_key(k.as_bytes()).unwrap())
        .collect();
    // Same key, same member, every time; and messages really go there.
    for (k, m) in keys.iter().zip(&before).take(50) {
        assert_eq!(pool.member_for_key(k.as_bytes()), Some(*m));
    }
    for _ in 0..20 {
        pool.cast_keyed(b"user:1", Message::Int(1)).unwrap();
    }
    settle(&counts, 20);
    assert_eq!(counts.lock().unwrap().get(&before[1]), Some(&20));
    pool.resize(9).unwrap();
    let moved = keys
        .iter()
        .zip(&before)
        .filter(|(k, m)| pool.member_for_key(k.as_bytes()) != Some(**m))
        .count();
    let frac = moved as f64 / keys.len() as f64;
    assert!((frac - 1.0 / 9.0).abs() < 0.03, "moved {frac:.3}");
}

#[test]
fn canary_split_is_within_three_points_and_promote_rollback_finish_it() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let v1_n = Arc::new(AtomicU64::new(0));
    let v2_n = Arc::new(AtomicU64::new(0));
    let mk = |n: &Arc<AtomicU64>| -> Factory {
        let n = n.clone();
        Arc::new(move || {
            let n = n.clone();
            Box::new(from_fn(move |m, _| {
                n.fetch_add(1, Ordering::Relaxed);
                Ok(m)
            })) as Box<dyn Behaviour>
        })
    };
    let spec = PoolSpec {
        size: 4,
        mailbox_capacity: Some(20_000),
        ..Default::default()
    };
    let pool = Pool::new(ex.system(), mk(&v1_n), spec).unwrap();
    for pct in [5u32, 30, 50] {
        v1_n.store(0, Ordering::Relaxed);
        v2_n.store(0, Ordering::Relaxed);
        pool.canary(mk(&v2_n), pct).unwrap();
        for i in 0..10_000 {
            pool.cast(Message::Int(i)).unwrap();
        }
        let t0 = Instant::now();
        while v1_n.load(Ordering::Relaxed) + v2_n.load(Ordering::Relaxed) < 10_000 {
            assert!(t0.elapsed() < Duration::from_secs(10));
            std::thread::sleep(Duration::from_millis(2));
        }
        let share = v2_n.load(Ordering::Relaxed) as f64 / 100.0;
        assert!(
            (share - pct as f64).abs() <= 3.0,
            "asked {pct}%, got {share}%"
        );
        pool.rollback();
    }
    assert!(pool
        .stats()
        .members
        .iter()
        .all(|m| m.version == 1 && !m.canary));
    pool.canary(mk(&v2_n), 20).unwrap();
    pool.promote().unwrap();
    let s = pool.stats();
    assert_eq!(s.members.len(), 4);
    assert!(s.members.iter().all(|m| m.version == 2 && !m.canary));
    assert_eq!(s.canary_percent, None);
}

#[test]
fn capability_routing_only_reaches_members_holding_the_capability() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    let counts = Counts::default();
    let need: Requirement =
        Arc::new(|m: &Message| (m.as_int() == Some(7)).then(|| Capability::new("gpu")));
    let spec = PoolSpec {
        size: 3,
        routing: Routing::Capability,
        ..Default::default()
    };
    let pool = Pool::with_capabilities(
        ex.system(),
        counting(&counts, Duration::ZERO),
        spec,
        auth.clone(),
        need,
        Arc::new([]),
    )
    .unwrap();
    let gpu_member = pool.members()[2];
    pool.set_member_caps(gpu_member, Arc::new([auth.issue(Capability::new("gpu"))]));
    for _ in 0..30 {
        pool.cast(Message::Int(7)).unwrap();
    }
    settle(&counts, 30);
    assert_eq!(counts.lock().unwrap().get(&gpu_member), Some(&30));
    // Messages needing nothing go to anyone.
    for _ in 0..30 {
        pool.cast(Message::Int(1)).unwrap();
    }
    settle(&counts, 60);
    assert_eq!(counts.lock().unwrap().len(), 3);
}

#[test]
fn least_loaded_avoids_a_backed_up_member() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let counts = Counts::default();
    let spec = PoolSpec {
        size: 2,
        routing: Routing::LeastLoaded,
        ..Default::default()
    };
    let pool = Pool::new(
        ex.system(),
        counting(&counts, Duration::from_millis(25)),
        spec,
    )
    .unwrap();
    let (slow, fast) = (pool.members()[0], pool.members()[1]);
    // A backlog of 20 (0.5 s): the fast member would have to fall as far behind, starved of
    // its thread on a busy machine, before the pool preferred the slow one.
    for _ in 0..20 {
        ex.system().cast(slow, Message::Int(-1)).unwrap();
    }
    for i in 0..20 {
        pool.cast(Message::Int(i)).unwrap();
        std::thread::sleep(Duration::from_millis(2)); // the fast member keeps up
    }
    settle(&counts, 40);
    let c = counts.lock().unwrap();
    assert!(c.get(&fast).copied().unwrap_or(0) >= 19, "{c:?}");
}

#[test]
fn predictive_prefers_the_member_forecast_to_finish_first() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let counts = Counts::default();
    let made = Arc::new(AtomicU64::new(0));
    let (c2, m2) = (counts.clone(), made.clone());
    // The first member is 40× slower per message (margin for oversleeping on a busy machine).
    let factory: Factory = Arc::new(move || {
        let slow = m2.fetch_add(1, Ordering::Relaxed) == 0;
        let counts = c2.clone();
        Box::new(from_fn(move |m, ctx| {
            std::thread::sleep(Duration::from_micros(if slow { 20_000 } else { 500 }));
            *counts.lock().unwrap().entry(ctx.myself()).or_default() += 1;
            Ok(m)
        })) as Box<dyn Behaviour>
    });
    let spec = PoolSpec {
        size: 2,
        routing: Routing::Predictive,
        ..Default::default()
    };
    let pool = Pool::new(ex.system(), factory, spec).unwrap();
    let (slow, fast) = (pool.members()[0], pool.members()[1]);
    for i in 0..4 {
        pool.call(Message::Int(i), Duration::from_secs(5))
            .unwrap()
            .wait()
            .unwrap();
    }
    counts.lock().unwrap().clear();
    for i in 0..60 {
        pool.cast(Message::Int(i)).unwrap();
    }
    settle(&counts, 60);
    let c = counts.lock().unwrap();
    let (s, f) = (
        c.get(&slow).copied().unwrap_or(0),
        c.get(&fast).copied().unwrap_or(0),
    );
    // Round-robin would split 30/30.
    assert!(f >= 2 * s.max(1), "slow {s}, fast {f}");
    let st = pool.stats();
    assert!(st.members[0].ewma_service > st.members[1].ewma_service);
}

/// Members inside long handlers report their service time only when the handlers return;
/// autoscale counts the turns still running, so a pool whose members are all stuck grows
/// before any handler returns (before, its service time was unknown and it stayed at `min`).
#[test]
fn autoscale_grows_while_every_handler_is_still_running() {
    use std::sync::atomic::AtomicBool;
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let (done, go) = (
        Arc::new(AtomicU64::new(0)),
        Arc::new(AtomicBool::new(false)),
    );
    let (d, g) = (done.clone(), go.clone());
    let slow: Factory = Arc::new(move || {
        let (d, g) = (d.clone(), g.clone());
        Box::new(from_fn(move |m, _| {
            let t0 = Instant::now();
            while !g.load(Ordering::Acquire) && t0.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(1));
            }
            d.fetch_add(1, Ordering::AcqRel);
            Ok(m)
        })) as Box<dyn Behaviour>
    });
    let spec = PoolSpec {
        size: 1,
        min: 1,
        max: 4,
        ..Default::default()
    };
    let pool = Pool::new(ex.system(), slow, spec).unwrap();
    pool.autoscale();
    let mut sizes = Vec::new();
    // ~200 msg/s, each member's handler running for 100 ms and more: the pool wants its cap.
    // Rounds stretch on a busy machine (the member may start its turn late), so allow several.
    while sizes.last() != Some(&4) && sizes.len() < 10 {
        for _ in 0..20 {
            pool.cast(Message::Int(0)).unwrap();
        }
        std::thread::sleep(Duration::from_millis(100));
        sizes.push(pool.autoscale());
    }
    let returned = done.load(Ordering::Acquire);
    go.store(true, Ordering::Release);
    assert_eq!(returned, 0, "a handler returned within 5 s");
    assert_eq!(sizes.last(), Some(&4), "sizes {sizes:?}");
}

#[test]
fn autoscale_records_forecasts_and_stays_within_bounds() {
    let ex = NativeExecutor::start(Config::default()).unwrap();
    let counts = Counts::default();
    let spec = PoolSpec {
        size: 1,
        min: 1,
        max: 4,
        ..Default::default()
    };
    let pool = Pool::new(
        ex.system(),
        counting(&counts, Duration::from_millis(2)),
        spec,
    )
    .unwrap();
    pool.autoscale();
    let mut sent = 0;
    // Busy rounds until the pool reaches its cap: ~2 000 msg/s × 2 ms / 0.7 ≈ 6 → max. One or
    // two rounds on a quiet machine; a busy one stretches the rounds, so it may take more.
    let mut rounds = 0;
    while pool.members().len() < 4 {
        assert!(rounds < 12, "still {} members", pool.members().len());
        for _ in 0..200 {
            pool.cast(Message::Int(-1)).unwrap();
            sent += 1;
        }
        std::thread::sleep(Duration::from_millis(100));
        let n = pool.autoscale();
        assert!((1..=4).contains(&n));
        rounds += 1;
    }
    settle(&counts, sent);
    std::thread::sleep(Duration::from_millis(100));
    pool.autoscale();
    std::thread::sleep(Duration::from_millis(100));
    pool.autoscale();
    let s = pool.stats();
    assert_eq!(s.forecasts.len(), rounds + 2);
    // Each point compares a forecast with the measured rate that followed: the first, made
    // before any message, with the first busy round's.
    assert!(s.forecasts[0].actual_rate > 100.0);
    assert!(s
        .forecasts
        .iter()
        .all(|p| p.forecast_rate >= 0.0 && p.size <= 4));
    // Idle: the forecast decays and the pool shrinks.
    for _ in 0..8 {
        std::thread::sleep(Duration::from_millis(20));
        pool.autoscale();
    }
    assert!(pool.members().len() < 4);
}
