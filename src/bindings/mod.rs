//! The JavaScript-facing surface: the only place with `#[wasm_bindgen]`.
//!
//! Functions here validate their JavaScript arguments (kinds, integer ranges, lengths), call the
//! core, and map every failure through [`error::to_js`].

mod args;
mod compute;
mod crypto;
mod error;
mod info;
