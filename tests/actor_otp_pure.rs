//! The executor-independent parts of the OTP layer (run natively and in browsers): rendezvous
//! stability, restart intensity, backoff, capability scopes, implication, attenuation, forgery.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::sync::Arc;
use std::time::Duration;

use katalyst::actor::capability::*;
use katalyst::actor::pool::{key_hash, rendezvous};
use katalyst::actor::supervisor::{Backoff, Intensity};
use katalyst::actor::{Clock, Config, System};

struct Fixed;
impl Clock for Fixed {
    fn now(&self) -> Duration {
        Duration::from_millis(1)
    }
}

fn system() -> System {
    System::new(
        Config {
            workers: 1,
            ..Config::default()
        },
        Arc::new(Fixed),
    )
    .unwrap()
}

#[test]
fn rendezvous_growth_moves_only_keys_won_by_the_new_member() {
    let n = 16u64;
    let before: Vec<u64> = (100..100 + n).collect();
    let mut after = before.clone();
    after.push(999);
    let keys = 4000;
    let mut moved = 0;
    for k in 0..keys {
        let h = key_hash(&(k as u32).to_le_bytes());
        let (a, b) = (
            rendezvous(h, &before).unwrap(),
            rendezvous(h, &after).unwrap(),
        );
        if a != b {
            assert_eq!(b, n as usize);
            moved += 1;
        }
    }
    let frac = moved as f64 / keys as f64;
    assert!((frac - 1.0 / 17.0).abs() < 0.03, "{frac}");
    // Removing a member moves only its own keys.
    let fewer: Vec<u64> = before.iter().copied().filter(|&m| m != 105).collect();
    for k in 0..keys {
        let h = key_hash(&(k as u32).to_le_bytes());
        let a = before[rendezvous(h, &before).unwrap()];
        let b = fewer[rendezvous(h, &fewer).unwrap()];
        assert!(a == b || a == 105);
    }
}

#[test]
fn intensity_counts_restarts_within_a_sliding_period() {
    // OTP: more than MaxR restarts within MaxT seconds → give up.
    let s = 1_000_000_000u64;
    let mut i = Intensity::new(3, 5 * s);
    assert!(i.add(0) && i.add(s) && i.add(2 * s));
    assert!(!i.add(3 * s));
    let mut j = Intensity::new(3, 5 * s);
    for t in 0..20 {
        assert!(j.add(t * 2 * s), "spaced restarts never exceed 3 per 5 s");
    }
    let b = Backoff {
        initial: Duration::from_millis(5),
        factor: 3.0,
        max: Duration::from_millis(100),
    };
    assert_eq!(b.delay(2), Duration::from_millis(15));
    assert_eq!(b.delay(10), Duration::from_millis(100));
}

#[test]
fn capabilities_scopes_implication_attenuation_and_forgery() {
    let sys = system();
    let mut h = Hierarchy::default();
    h.declare("admin", "write");
    h.declare("write", "read");
    let auth = Authority::new(&sys, h).unwrap();
    let admin = auth.issue(Capability::new("admin"));
    let docs = auth
        .attenuate(&admin, Capability::scoped("read", "/docs/*"))
        .unwrap();
    let set: CapSet = Arc::new([docs.clone()]);
    assert!(auth.satisfies(&set, &Capability::scoped("read", "/docs/x/y")));
    assert!(!auth.satisfies(&set, &Capability::scoped("read", "/etc/x")));
    assert!(!auth.satisfies(&set, &Capability::scoped("write", "/docs/x")));
    assert!(auth.attenuate(&docs, Capability::new("read")).is_err());
    assert!(auth
        .attenuate(&docs, Capability::scoped("write", "/docs/*"))
        .is_err());
    let forged: CapSet = Arc::new([CapToken::forge(Capability::new("admin"), [0x5a; 32])]);
    assert!(!auth.satisfies(&forged, &Capability::new("read")));
    let other = Authority::new(&sys, Hierarchy::default()).unwrap();
    assert!(!auth.verify(&other.issue(Capability::new("admin"))));
    assert!(Capability::parse("bad name").is_err());
}
