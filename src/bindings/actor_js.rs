//! JavaScript module behaviours: a Rust [`Behaviour`] whose state is the JS state encoded by
//! the package's codec (so any worker can run it: the actor is not pinned to one JS realm),
//! and whose `init`/`handle` call the worker's `globalThis.__katalystActorInit` /
//! `__katalystActorHandle` (defined by `pkg-template/actors/worker.js`). A thrown error ends
//! the actor with an `error` reason carrying the message and the JS stack.

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::actor::{Behaviour, Context, ExitReason, Message};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = __katalystActorInit)]
    fn js_init(
        behaviour: u32,
        kind: u32,
        args: JsValue,
        slot: u32,
        generation: u32,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = globalThis, js_name = __katalystActorHandle)]
    fn js_handle(
        behaviour: u32,
        state: JsValue,
        kind: u32,
        payload: JsValue,
        slot: u32,
        generation: u32,
        is_call: bool,
    ) -> Result<JsValue, JsValue>;
}

/// A JS module behaviour (see the module doc).
pub struct JsBehaviour {
    behaviour: u32,
    args: Option<Message>,
    state: Vec<u8>,
    // OTP hook (`actor_otp.rs`): set when built by a hot upgrade, so `init` does not run again.
    migrated: bool,
}

impl JsBehaviour {
    /// The behaviour the workers loaded as number `behaviour`, started with `args`.
    pub fn new(behaviour: u32, args: Message) -> Self {
        JsBehaviour {
            behaviour,
            args: Some(args),
            state: Vec::new(),
            migrated: false,
        }
    }

    // ---- OTP hooks (used by `actor_otp.rs`) ----

    /// The behaviour number and the encoded state (hot upgrade reads them).
    pub(crate) fn parts(&self) -> (u32, &[u8]) {
        (self.behaviour, &self.state)
    }

    /// Behaviour `behaviour` resuming from an encoded `state` (its `init` is not called).
    pub(crate) fn migrated(behaviour: u32, state: Vec<u8>) -> Self {
        JsBehaviour {
            behaviour,
            args: None,
            state,
            migrated: true,
        }
    }
}

fn exit_from_js(e: JsValue) -> ExitReason {
    let text = |k: &str| Reflect::get(&e, &k.into()).ok().and_then(|v| v.as_string());
    let message = text("message")
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "a JS handler threw a non-Error value".into());
    ExitReason::Error {
        message,
        backtrace: text("stack"),
    }
}

fn parts(ctx: &Context<'_>) -> (u32, u32) {
    let [_, slot, generation] = ctx.myself().to_parts();
    (slot, generation)
}

impl Behaviour for JsBehaviour {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        if self.migrated {
            return Ok(());
        }
        let (slot, generation) = parts(ctx);
        let args = self.args.take().unwrap_or(Message::Empty);
        let kp = Array::from(&super::actor::message_to_js(args));
        let kind = kp.get(0).as_f64().unwrap_or(0.0) as u32;
        let state =
            js_init(self.behaviour, kind, kp.get(1), slot, generation).map_err(exit_from_js)?;
        if let Some(s) = state.dyn_ref::<Uint8Array>() {
            self.state = s.to_vec();
        }
        Ok(())
    }

    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        let (slot, generation) = parts(ctx);
        let kp = Array::from(&super::actor::message_to_js(msg));
        let kind = kp.get(0).as_f64().unwrap_or(0.0) as u32;
        let state: JsValue = Uint8Array::from(self.state.as_slice()).into();
        let out = js_handle(
            self.behaviour,
            state,
            kind,
            kp.get(1),
            slot,
            generation,
            ctx.is_call(),
        )
        .map_err(exit_from_js)?;
        let out = Array::from(&out);
        if let Some(s) = out.get(0).dyn_ref::<Uint8Array>() {
            self.state = s.to_vec();
        }
        let reply_kind = out.get(1).as_f64().unwrap_or(0.0) as u32;
        super::actor::message("handle", reply_kind, &out.get(2)).map_err(|_| {
            ExitReason::error("a JS handler returned a reply that could not be encoded")
        })
    }

    fn terminate(&mut self, reason: &ExitReason) {
        super::actor_otp::js_terminate(self.behaviour, &self.state, reason); // OTP hook
    }
}
