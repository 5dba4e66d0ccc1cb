//! Katalyst: native-class compute, constant-time crypto, CRDTs and an Erlang/OTP-style actor
//! runtime for the browser, from one Rust crate compiled to WebAssembly.
//!
//! The modules under `compute`, `crypto`, … are plain Rust and test natively; everything that
//! touches JavaScript lives in `bindings` (wasm32 only).
//!
//! ```
//! let c = katalyst::compute::sgemm(&[1.0, 2.0], &[3.0, 4.0], 1, 2, 1, &Default::default()).unwrap();
//! assert_eq!(c, vec![11.0]);
//! ```

// The `mt` build (nightly) wakes parked actor workers with `memory.atomic.notify`.
#![cfg_attr(
    all(target_arch = "wasm32", target_feature = "atomics"),
    feature(stdarch_wasm_atomic_wait)
)]

pub mod actor;
pub mod compute;
pub mod crdt;
pub mod crypto;
pub mod error;
pub mod parallel;

/// The JavaScript surface. Public only so wasm tests can call it directly; use the npm package.
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;

// Exported to JavaScript as `initThreadPool(n)` by the `mt` build.
#[cfg(all(target_arch = "wasm32", feature = "threads"))]
pub use wasm_bindgen_rayon::init_thread_pool;

/// The crate version, as the npm package reports it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
