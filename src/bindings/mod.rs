//! The JavaScript-facing surface: the only place with `#[wasm_bindgen]`.
//!
//! Functions here validate their JavaScript arguments (kinds, integer ranges, lengths), call the
//! core, and map every failure through [`error::to_js`].

pub mod actor;
pub mod actor_js;
pub mod actor_otp;
pub mod args;
pub mod compute;
pub mod copies;
pub mod crdt;
pub mod crdt_value;
pub mod crypto;
pub mod error;
pub mod info;
