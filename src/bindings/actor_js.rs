//! JavaScript module behaviours: a Rust [`Behaviour`] whose state is the JS state encoded by
//! the package's codec (so any worker can run it: the actor is not pinned to one JS realm),
//! and whose `init`/`handle` call the worker's `globalThis.__katalystActorInit` /
//! `__katalystActorHandle` (defined by `pkg-template/actors/worker.js`). A thrown error ends
//! the actor with an `error` reason carrying the message and the JS stack.
//!
//! An `async handle` (or one returning a promise) holds its actor ([`Context::hold`]) until the
//! promise settles: the worker runs other actors meanwhile, this actor handles nothing else, so
//! per-actor order holds; the continuation then calls [`actors_resume`] (or
//! [`actors_resume_error`]) on the same worker with the new state and the reply.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::args;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::actor::capability::CapSet;
use crate::actor::{
    ActorError, ActorRef, Behaviour, Context, ExitReason, Hold, Message, ReplyToken,
};

/// An actor held by a pending `async handle` on this thread.
struct Held {
    hold: Hold,
    token: Option<ReplyToken>,
    resumed: Arc<Mutex<Resumed>>,
}

/// What a settled `async handle` leaves its behaviour.
#[derive(Default)]
struct Resumed {
    /// The new state, taken by the next `handle`.
    state: Option<Vec<u8>>,
    /// A rejected handle's call: owned by the behaviour until the actor exits, so it is
    /// answered by the exit (`actor_exited` with the reason) after the actor is gone — a
    /// caller that then calls again gets `noproc`, as after a synchronous throw.
    token: Option<ReplyToken>,
}

thread_local! {
    static HELD: RefCell<HashMap<u32, Held>> = RefCell::new(HashMap::new());
    static NEXT_HOLD: Cell<u32> = const { Cell::new(1) };
    /// The capabilities of each message a JS handler of this thread is handling, by its
    /// handle's id (the JS `ctx` keeps that id): from the start of `handle` until it returns,
    /// or until its async handle settles — per handled message, never "the current one", since
    /// an awaiting handler outlives the turn it started in.
    static CAPS: RefCell<HashMap<u32, CapSet>> = RefCell::new(HashMap::new());
}

/// The capabilities the message handled by handle `hold` carried (`None`: none, or the handle
/// finished): what its `ctx.call` / `ctx.cast` pass on (`actor_otp.rs`).
pub(crate) fn caps_of(hold: u32) -> Option<CapSet> {
    CAPS.with(|c| c.borrow().get(&hold).cloned())
}

/// Whether handle `hold` is handling a message that carried capabilities.
#[wasm_bindgen(js_name = actorsCtxHasCaps)]
pub fn actors_ctx_has_caps(hold: u32) -> bool {
    CAPS.with(|c| c.borrow().contains_key(&hold))
}

fn forget_caps(hold: u32) {
    CAPS.with(|c| c.borrow_mut().remove(&hold));
}

/// Marks a `handle` result as "returned a promise" (in the reply-kind position).
const HELD_MARK: f64 = -2.0;

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
        hold_id: u32,
    ) -> Result<JsValue, JsValue>;
}

/// A JS module behaviour (see the module doc).
pub struct JsBehaviour {
    behaviour: u32,
    args: Option<Message>,
    state: Vec<u8>,
    // OTP hook (`actor_otp.rs`): set when built by a hot upgrade, so `init` does not run again.
    migrated: bool,
    /// What an `async handle` settled with, set by [`actors_resume`] / [`actors_resume_error`].
    resumed: Arc<Mutex<Resumed>>,
}

impl JsBehaviour {
    /// The behaviour the workers loaded as number `behaviour`, started with `args`.
    pub fn new(behaviour: u32, args: Message) -> Self {
        JsBehaviour {
            behaviour,
            args: Some(args),
            state: Vec::new(),
            migrated: false,
            resumed: Arc::new(Mutex::new(Resumed::default())),
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
            resumed: Arc::new(Mutex::new(Resumed::default())),
        }
    }
}

fn exit_from_js(e: JsValue) -> ExitReason {
    let text = |k: &'static str| args::field(&e, k).as_string();
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
        if let Some(s) = self.resumed.lock().ok().and_then(|mut r| r.state.take()) {
            self.state = s;
        }
        let (slot, generation) = parts(ctx);
        let hold_id = NEXT_HOLD.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1).max(1));
            id
        });
        let kp = Array::from(&super::actor::message_to_js(msg));
        let kind = kp.get(0).as_f64().unwrap_or(0.0) as u32;
        let state: JsValue = Uint8Array::from(self.state.as_slice()).into();
        if let Some(caps) = &ctx.caps {
            let caps = ctx.sys.pinned_caps.resolve(caps).clone();
            CAPS.with(|c| c.borrow_mut().insert(hold_id, caps));
        }
        let out = js_handle(
            self.behaviour,
            state,
            kind,
            kp.get(1),
            slot,
            generation,
            ctx.is_call(),
            hold_id,
        );
        let out = match out {
            Ok(o) => Array::from(&o),
            Err(e) => {
                forget_caps(hold_id);
                return Err(exit_from_js(e));
            }
        };
        if out.get(1).as_f64() != Some(HELD_MARK) {
            forget_caps(hold_id);
        } else {
            // Held: the capabilities stay until the handle settles (`actors_resume*`).
            // Hold first: it keeps a copy of the call's reply target for a reaper.
            let hold = ctx.hold();
            let token = ctx.defer_reply();
            let held = Held {
                hold,
                token,
                resumed: self.resumed.clone(),
            };
            HELD.with(|h| h.borrow_mut().insert(hold_id, held));
            return Ok(Message::Empty);
        }
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

/// An `async handle` settled: stores its new state (`undefined`: unchanged), answers the call
/// it was handling with `[kind, payload]` (nothing: `undefined`) and lets the actor run again.
#[wasm_bindgen(js_name = actorsResume)]
pub fn actors_resume(hold_id: u32, state: &JsValue, kind: u32, payload: &JsValue) {
    forget_caps(hold_id);
    let Some(held) = HELD.with(|h| h.borrow_mut().remove(&hold_id)) else {
        return;
    };
    if let Some(s) = state.dyn_ref::<Uint8Array>() {
        if let Ok(mut r) = held.resumed.lock() {
            r.state = Some(s.to_vec());
        }
    }
    if let Some(token) = held.token {
        match super::actor::message("handle", kind, payload) {
            Ok(m) => token.reply(m),
            Err(_) => token.reply_err(ActorError::BadArgs {
                name: "handle".into(),
                message: "a JS handler returned a reply that could not be encoded".into(),
            }),
        }
    }
    held.hold.release();
}

/// An `async handle` rejected: the actor exits with `error{message, stack}` (its pending call
/// gets `actor_exited`), as a synchronous throw does.
#[wasm_bindgen(js_name = actorsResumeError)]
pub fn actors_resume_error(hold_id: u32, error: JsValue) {
    forget_caps(hold_id);
    let Some(Held {
        hold,
        token,
        resumed,
    }) = HELD.with(|h| h.borrow_mut().remove(&hold_id))
    else {
        return;
    };
    let reason = exit_from_js(error);
    let me: ActorRef = hold.actor();
    let stopped =
        super::actor::system_ref().is_some_and(|sys| sys.stop(me, reason.clone()).is_ok());
    match (token, stopped) {
        // Queued before the release, so the exit is the first thing the actor does after it;
        // the behaviour keeps the call's token, which its exit answers.
        (Some(token), true) => {
            if let Ok(mut r) = resumed.lock() {
                r.token = Some(token);
            }
        }
        (Some(token), false) => token.reply_err(ActorError::ActorExited {
            actor: me.id(),
            reason,
        }),
        (None, _) => {}
    }
    // Ours goes before the release: another worker may run the exit at once, and the token
    // must be dropped with the behaviour there (`actor_exited`), not with this copy here
    // (`no_reply`).
    drop(resumed);
    hold.release();
}
