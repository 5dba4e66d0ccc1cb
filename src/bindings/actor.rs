//! Actor runtime plumbing for `pkg-template/actors/` (internal exports, not public API: the
//! package wraps them as `k.actors`). Messages arrive pre-encoded by the JS side as
//! `(kind, payload)`: 0 nothing, 1 an integer (number), 2 bytes (`Uint8Array`, copied), 3 an
//! encoded structured JS value (`Uint8Array`, kept in wasm memory as a [`JsPayload`]).
//!
//! In the `mt` build one [`System`] lives in the shared memory: the main thread spawns, sends
//! and calls through it (all lock-free), and every actor worker instance attaches one
//! [`WorkerHandle`] and runs slices of it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use js_sys::{Array, Object, Uint8Array};
use wasm_bindgen::prelude::*;

use super::args;
use super::error::{js_error, to_js};
use crate::actor::wasm::{wake_word_addr, CompletionWaker, Completions, WasmUnpark};
use crate::actor::CastWait;
use crate::actor::{
    register_builtins, ActorError, ActorRef, CallHandle, Clock, Config, ExitReason, Message, Park,
    Slice, SpawnOptions, System, SystemEvent, TimerRef, WorkerHandle,
};
use crate::error::ErrorKind;

/// A structured JS value encoded by the package's codec (defined in the core, so built-in
/// Rust behaviours can read it).
pub use crate::actor::JsPayload;

static SYSTEM: OnceLock<System> = OnceLock::new();
static COMPLETIONS: Completions = Completions::new();
/// One completion queue per actor worker: calls a JS behaviour makes (`ctx.call`) finish
/// there, and the worker awaits its notify word as the main thread awaits `COMPLETIONS`.
static WORKER_COMPLETIONS: OnceLock<Vec<Completions>> = OnceLock::new();

thread_local! {
    static WORKER: RefCell<Option<WorkerHandle>> = const { RefCell::new(None) };
    /// This thread's completion queue when it is an actor worker (else `COMPLETIONS`).
    static MY_COMPLETIONS: Cell<Option<&'static Completions>> = const { Cell::new(None) };
    static CALLS: RefCell<HashMap<u32, Pending>> = RefCell::new(HashMap::new());
    static TIMERS: RefCell<HashMap<u32, TimerRef>> = RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn perf_now() -> f64;
    #[wasm_bindgen(thread_local_v2, js_namespace = performance, js_name = timeOrigin)]
    static TIME_ORIGIN: f64;
}

/// Wall time from `performance.timeOrigin + performance.now()`: the same origin in every
/// worker (each worker's `performance.now()` alone starts at its own creation).
struct PerfClock;

impl Clock for PerfClock {
    fn now(&self) -> Duration {
        let ms = TIME_ORIGIN.with(|o| *o) + perf_now();
        Duration::from_secs_f64((ms / 1000.0).max(0.0))
    }
}

/// What the main thread (or an `st` worker) awaits through the completion queue.
enum Pending {
    Call(CallHandle),
    Cast(CastWait),
}

impl Pending {
    /// The result if finished (a cast that waited for room replies `Empty`).
    fn take(&mut self, id: u32) -> Option<Result<Message, ActorError>> {
        match self {
            Pending::Call(h) => h.try_take(),
            Pending::Cast(c) => {
                let waker = completion_waker(id);
                match Pin::new(c).poll(&mut TaskContext::from_waker(&waker)) {
                    Poll::Ready(r) => Some(r.map(|()| Message::Empty)),
                    Poll::Pending => None,
                }
            }
        }
    }

    fn cancel(self) -> bool {
        match self {
            Pending::Call(h) => h.cancel(),
            Pending::Cast(_) => true,
        }
    }
}

/// The completion queue of this thread: its worker's, or the main thread's.
fn completions() -> &'static Completions {
    MY_COMPLETIONS.with(Cell::get).unwrap_or(&COMPLETIONS)
}

fn completion_waker(id: u32) -> Waker {
    Waker::from(Arc::new(CompletionWaker {
        id,
        to: completions(),
    }))
}

/// The system, for the JS behaviour plumbing.
pub(crate) fn system_ref() -> Option<&'static System> {
    SYSTEM.get()
}

fn next_id() -> u32 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    })
}

fn system(func: &str) -> Result<&'static System, JsValue> {
    SYSTEM.get().ok_or_else(|| {
        js_error(
            ErrorKind::Domain,
            "not_started",
            &format!("{func}: the actor system is not started"),
        )
    })
}

fn get_num(obj: &JsValue, key: &'static str) -> Option<f64> {
    args::field(obj, key).as_f64()
}

pub(crate) fn actor_ref(slot: u32, generation: u32) -> ActorRef {
    let sys_node = SYSTEM.get().map_or(0, |s| u32::from(s.config().node));
    ActorRef::from_parts([sys_node, slot, generation])
}

fn ref_to_js(r: ActorRef) -> JsValue {
    let [node, slot, generation] = r.to_parts();
    Array::of3(&node.into(), &slot.into(), &generation.into()).into()
}

/// `{ node, slot, generation }`: the ActorRef form the page hands to users.
fn ref_object(r: ActorRef) -> JsValue {
    let [node, slot, generation] = r.to_parts();
    let o = Object::new();
    for (k, v) in [("node", node), ("slot", slot), ("generation", generation)] {
        args::set(&o, k, &v.into());
    }
    o.into()
}

pub(crate) fn message(func: &str, kind: u32, payload: &JsValue) -> Result<Message, JsValue> {
    let bytes = || {
        payload
            .dyn_ref::<Uint8Array>()
            .map(|a| a.to_vec())
            .ok_or_else(|| {
                js_error(
                    ErrorKind::Type,
                    "invalid_type",
                    &format!("{func}: expected an encoded message"),
                )
            })
    };
    match kind {
        0 => Ok(Message::Empty),
        1 => Ok(Message::Int(payload.as_f64().unwrap_or(0.0) as i64)),
        2 => Ok(Message::Bytes(bytes()?)),
        3 => Ok(Message::value(JsPayload(bytes()?))),
        _ => Err(js_error(
            ErrorKind::Type,
            "invalid_type",
            &format!("{func}: unknown message kind {kind}"),
        )),
    }
}

/// `[kind, payload]` for the JS codec to decode.
pub(crate) fn message_to_js(m: Message) -> JsValue {
    let (kind, payload): (u32, JsValue) = match m {
        Message::Empty | Message::Js(_) => (0, JsValue::UNDEFINED),
        Message::Int(i) => (1, JsValue::from_f64(i as f64)),
        Message::Bytes(b) => (2, Uint8Array::from(b.as_slice()).into()),
        Message::Value(v) => match v.downcast::<JsPayload>() {
            Ok(p) => (3, Uint8Array::from(p.0.as_slice()).into()),
            // OTP hook: EXIT / DOWN messages and OTP call results, encoded for the codec.
            Err(v) => match super::actor_otp::encode_value(v) {
                Some(bytes) => (3, Uint8Array::from(bytes.as_slice()).into()),
                None => (0, JsValue::UNDEFINED),
            },
        },
    };
    Array::of2(&kind.into(), &payload).into()
}

fn reason_to_js(r: &ExitReason) -> JsValue {
    let o = Object::new();
    args::set(&o, "kind", &args::key(r.kind()));
    if let ExitReason::Error { message, backtrace } = r {
        args::set(&o, "message", &message.as_str().into());
        if let Some(b) = backtrace {
            args::set(&o, "stack", &b.as_str().into());
        }
    }
    o.into()
}

fn actor_err(func: &str, e: ActorError) -> JsValue {
    let reason = match &e {
        ActorError::ActorExited { reason, .. } => Some(reason_to_js(reason)),
        _ => None,
    };
    let err = to_js(func, e);
    if let Some(r) = reason {
        args::set(&err, "reason", &r);
    }
    err
}

/// Creates the actor system (once): `config` `{ workers, mailbox, node }`. Returns
/// `{ notifyAddr, wakeAddrs }`, the addresses of the main thread's notify word and of each
/// worker's wake word.
#[wasm_bindgen(js_name = actorsStart)]
pub fn actors_start(config: &JsValue) -> Result<JsValue, JsValue> {
    let workers = get_num(config, "workers").unwrap_or(2.0);
    if !(1.0..=256.0).contains(&workers) || workers.fract() != 0.0 {
        return Err(js_error(
            ErrorKind::Range,
            "out_of_range",
            &format!("actors: 'workers' must be an integer from 1 to 256, got {workers}"),
        ));
    }
    let sys = match SYSTEM.get() {
        Some(s) => s,
        None => {
            let mut cfg = Config {
                workers: workers as usize,
                capture_backtraces: false,
                ..Config::default()
            };
            if let Some(m) = get_num(config, "mailbox") {
                cfg.default_mailbox_capacity = m.clamp(1.0, 1e7) as usize;
            }
            if let Some(ms) = get_num(config, "watchdogMs") {
                cfg.watchdog_limit = Some(Duration::from_secs_f64(ms.clamp(1.0, 1e9) / 1000.0));
            }
            if let Some(n) = get_num(config, "node") {
                cfg.node = n.clamp(0.0, 65535.0) as u16;
            }
            let n = cfg.workers;
            let sys = System::new(cfg, Arc::new(PerfClock)).map_err(|e| actor_err("actors", e))?;
            let _ = WORKER_COMPLETIONS.set((0..n).map(|_| Completions::new()).collect());
            register_builtins(&sys);
            super::actor_otp::register_builtins(&sys)?;
            crate::actor::install_panic_capture();
            sys.set_unpark(WasmUnpark::new(sys.clone()));
            let _ = SYSTEM.set(sys);
            system("actors")?
        }
    };
    let out = Object::new();
    let wake = Array::new();
    for i in 0..sys.config().workers {
        wake.push(&JsValue::from_f64(
            wake_word_addr(sys, i).unwrap_or(0) as f64
        ));
    }
    args::set(
        &out,
        "notifyAddr",
        &JsValue::from_f64(COMPLETIONS.word().as_ptr() as usize as f64),
    );
    args::set(&out, "wakeAddrs", &wake);
    Ok(out.into())
}

/// Takes worker `index`'s scheduler handle for this thread (an actor worker, once); returns
/// the address of this worker's completion notify word (for `ctx.call`).
#[wasm_bindgen(js_name = actorsWorkerAttach)]
pub fn actors_worker_attach(index: u32) -> Result<f64, JsValue> {
    let sys = system("actorsWorkerAttach")?;
    let h = sys.worker(index as usize).ok_or_else(|| {
        js_error(
            ErrorKind::Domain,
            "executor_failed",
            &format!("actorsWorkerAttach: worker {index} is taken or out of range"),
        )
    })?;
    Ok(install_worker(h))
}

fn install_worker(h: WorkerHandle) -> f64 {
    let mine = WORKER_COMPLETIONS.get().and_then(|c| c.get(h.index()));
    MY_COMPLETIONS.with(|c| c.set(mine));
    WORKER.with(|w| *w.borrow_mut() = Some(h));
    mine.map_or(0.0, |c| c.word().as_ptr() as usize as f64)
}

/// `mt`: the worker `index`'s instance trapped (a Rust panic under `panic=abort`). Reaps it
/// (the actor it ran exits with the panic's message, its calls fail with `actor_exited`; see
/// `System::reap_worker`) and returns `{ ref, reason }` (`ref` undefined if it ran no actor),
/// or `undefined` if it was reaped already. `stack`: the JS stack of the trap.
#[wasm_bindgen(js_name = actorsReapWorker)]
pub fn actors_reap_worker(index: u32, stack: &JsValue) -> Result<JsValue, JsValue> {
    let sys = system("actorsReapWorker")?;
    // SAFETY: the page calls this only on the worker's `trapped` message: that worker's JS
    // caught the trap out of its instance and never calls into it again (worker.js sets
    // `trapped` before posting and every entry point checks it), and the page terminates it.
    let reaped = unsafe { sys.reap_worker(index as usize, stack.as_string()) };
    let Some(r) = reaped else {
        return Ok(JsValue::UNDEFINED);
    };
    let out = Object::new();
    if let Some(a) = r.actor {
        args::set(&out, "ref", &ref_object(a));
    }
    args::set(&out, "reason", &reason_to_js(&r.reason));
    Ok(out.into())
}

/// `mt`: a fresh worker instance takes over worker `index` after [`actors_reap_worker`];
/// returns its completion notify word address, like [`actors_worker_attach`].
#[wasm_bindgen(js_name = actorsWorkerReplace)]
pub fn actors_worker_replace(index: u32) -> Result<f64, JsValue> {
    let sys = system("actorsWorkerReplace")?;
    let h = sys.replace_worker(index as usize).ok_or_else(|| {
        js_error(
            ErrorKind::Domain,
            "executor_failed",
            &format!("actorsWorkerReplace: worker {index} was not reaped"),
        )
    })?;
    Ok(install_worker(h))
}

/// Runs a slice on this thread's worker: 1 busy (run again after yielding), 0 idle (park),
/// 2 halted or no worker.
#[wasm_bindgen(js_name = actorsRunSlice)]
pub fn actors_run_slice(max_turns: u32, max_ms: f64) -> u32 {
    WORKER.with(|w| match w.borrow_mut().as_mut() {
        Some(h) if !h.is_halted() => {
            match h.run_slice_for(
                max_turns as usize,
                Duration::from_secs_f64(max_ms.max(0.0) / 1000.0),
            ) {
                Slice::Busy => 1,
                Slice::Idle => 0,
            }
        }
        _ => 2,
    })
}

/// Whether this thread's worker has work right now (cheap; spin briefly on it before parking).
#[wasm_bindgen(js_name = actorsHasWork)]
pub fn actors_has_work() -> bool {
    WORKER.with(|w| w.borrow().as_ref().is_some_and(|h| h.has_work()))
}

/// Whether this thread's worker may search for work before parking (then it spins briefly on
/// `actorsHasWork`; see `WorkerHandle::begin_search`).
#[wasm_bindgen(js_name = actorsBeginSearch)]
pub fn actors_begin_search() -> bool {
    WORKER.with(|w| w.borrow().as_ref().is_some_and(|h| h.begin_search()))
}

/// Prepares to park: -2 retry now, -1 sleep until woken, else the most milliseconds to sleep.
#[wasm_bindgen(js_name = actorsBeginPark)]
pub fn actors_begin_park() -> f64 {
    WORKER.with(|w| match w.borrow_mut().as_mut() {
        Some(h) => match h.begin_park() {
            Park::Retry => -2.0,
            Park::Sleep { timeout: None } => -1.0,
            Park::Sleep { timeout: Some(t) } => t.as_secs_f64() * 1000.0,
        },
        None => -2.0,
    })
}

/// Marks this thread's worker awake after parking.
#[wasm_bindgen(js_name = actorsEndPark)]
pub fn actors_end_park() {
    WORKER.with(|w| {
        if let Some(h) = w.borrow_mut().as_mut() {
            h.end_park();
        }
    })
}

/// Wakes actor worker `index` if it is parked (it then looks at its event loop).
#[wasm_bindgen(js_name = actorsWakeWorker)]
pub fn actors_wake_worker(index: u32) {
    if let Some(sys) = SYSTEM.get() {
        sys.wake_worker(index as usize);
    }
}

/// The spawn options both spawn bindings take from JavaScript.
fn spawn_options(mailbox: &JsValue, reg_name: &JsValue, worker: &JsValue) -> SpawnOptions {
    SpawnOptions {
        mailbox_capacity: mailbox.as_f64().map(|m| m.max(0.0) as usize),
        name: reg_name.as_string(),
        worker: worker.as_f64().map(|w| w.max(0.0) as usize),
    }
}

/// Spawns the named Rust behaviour; returns `[node, slot, generation]`.
#[wasm_bindgen(js_name = actorsSpawn)]
pub fn actors_spawn(
    name: &str,
    kind: u32,
    args: &JsValue,
    mailbox: &JsValue,
    reg_name: &JsValue,
    worker: &JsValue,
) -> Result<JsValue, JsValue> {
    let sys = system("spawn")?;
    let args = message("spawn", kind, args)?;
    let opts = spawn_options(mailbox, reg_name, worker);
    sys.spawn_named(name, args, opts)
        .map(ref_to_js)
        .map_err(|e| actor_err("spawn", e))
}

/// Spawns JS module behaviour number `behaviour` (already loaded by every worker that may run
/// it); returns `[node, slot, generation]`.
#[wasm_bindgen(js_name = actorsSpawnJs)]
pub fn actors_spawn_js(
    behaviour: u32,
    kind: u32,
    args: &JsValue,
    mailbox: &JsValue,
    reg_name: &JsValue,
    worker: &JsValue,
) -> Result<JsValue, JsValue> {
    let sys = system("spawn")?;
    let args = message("spawn", kind, args)?;
    let opts = spawn_options(mailbox, reg_name, worker);
    sys.spawn(super::actor_js::JsBehaviour::new(behaviour, args), opts)
        .map(ref_to_js)
        .map_err(|e| actor_err("spawn", e))
}

/// Sends a cast.
#[wasm_bindgen(js_name = actorsCast)]
pub fn actors_cast(
    slot: u32,
    generation: u32,
    kind: u32,
    payload: &JsValue,
) -> Result<(), JsValue> {
    let sys = system("cast")?;
    let m = message("cast", kind, payload)?;
    sys.cast(actor_ref(slot, generation), m)
        .map_err(|e| actor_err("cast", e))
}

/// Starts a call; returns its id. The result arrives through the completion queue
/// ([`actors_take_completion`]).
#[wasm_bindgen(js_name = actorsCall)]
pub fn actors_call(
    slot: u32,
    generation: u32,
    kind: u32,
    payload: &JsValue,
    timeout_ms: f64,
) -> Result<u32, JsValue> {
    let sys = system("call")?;
    let m = message("call", kind, payload)?;
    let timeout = Duration::from_secs_f64(timeout_ms.clamp(0.0, 1e12) / 1000.0);
    let mut h = sys
        .call(actor_ref(slot, generation), m, timeout)
        .map_err(|e| actor_err("call", e))?;
    let id = next_id();
    let waker = completion_waker(id);
    // Registers the waker; a result already there is reported through the queue too.
    if let Poll::Ready(r) = Pin::new(&mut h).poll(&mut TaskContext::from_waker(&waker)) {
        return match r {
            Ok(m) => {
                // Keep the order simple: hand it back as a completion.
                READY.with(|q| q.borrow_mut().insert(id, Ok(m)));
                completions().push(id);
                Ok(id)
            }
            Err(e) => Err(actor_err("call", e)),
        };
    }
    CALLS.with(|c| c.borrow_mut().insert(id, Pending::Call(h)));
    Ok(id)
}

/// Sends a cast that waits for room in a full mailbox; returns an id that completes through
/// the completion queue (with nothing, or `noproc`).
#[wasm_bindgen(js_name = actorsCastWait)]
pub fn actors_cast_wait(
    slot: u32,
    generation: u32,
    kind: u32,
    payload: &JsValue,
) -> Result<u32, JsValue> {
    let sys = system("cast")?;
    let m = message("cast", kind, payload)?;
    let mut c = sys.cast_wait(actor_ref(slot, generation), m);
    let id = next_id();
    let waker = completion_waker(id);
    match Pin::new(&mut c).poll(&mut TaskContext::from_waker(&waker)) {
        Poll::Ready(Ok(())) => {
            READY.with(|q| q.borrow_mut().insert(id, Ok(Message::Empty)));
            completions().push(id);
            Ok(id)
        }
        Poll::Ready(Err(e)) => Err(actor_err("cast", e)),
        Poll::Pending => {
            CALLS.with(|p| p.borrow_mut().insert(id, Pending::Cast(c)));
            Ok(id)
        }
    }
}

thread_local! {
    static READY: RefCell<HashMap<u32, Result<Message, ActorError>>> = RefCell::new(HashMap::new());
}

/// Aborts call `id` (skipped by the callee if not started). True if it had not finished.
#[wasm_bindgen(js_name = actorsCancel)]
pub fn actors_cancel(id: u32) -> bool {
    READY.with(|q| q.borrow_mut().remove(&id));
    CALLS
        .with(|c| c.borrow_mut().remove(&id))
        .is_some_and(Pending::cancel)
}

/// The next finished call: `[id, kind, payload]` for a reply, `[id, -1, error]` for a failure;
/// `undefined` when none is left.
#[wasm_bindgen(js_name = actorsTakeCompletion)]
pub fn actors_take_completion() -> JsValue {
    while let Some(id) = completions().pop() {
        let ready = READY.with(|q| q.borrow_mut().remove(&id));
        let result = match ready {
            Some(r) => Some(r),
            None => CALLS.with(|c| c.borrow_mut().get_mut(&id).and_then(|p| p.take(id))),
        };
        let Some(result) = result else {
            continue; // an aborted call, or a spurious wake
        };
        CALLS.with(|c| c.borrow_mut().remove(&id));
        let out = Array::new();
        out.push(&id.into());
        match result {
            Ok(m) => {
                let kp = Array::from(&message_to_js(m));
                out.push(&kp.get(0));
                out.push(&kp.get(1));
            }
            Err(e) => {
                out.push(&JsValue::from_f64(-1.0));
                out.push(&actor_err("call", e));
            }
        }
        return out.into();
    }
    JsValue::UNDEFINED
}

/// Asks an actor to exit: `reason` `'normal'`, `'shutdown'`, `'kill'` or any other text (an
/// `error` reason with that message).
#[wasm_bindgen(js_name = actorsStop)]
pub fn actors_stop(slot: u32, generation: u32, reason: &str) -> Result<(), JsValue> {
    let sys = system("stop")?;
    let reason = match reason {
        "normal" => ExitReason::Normal,
        "shutdown" => ExitReason::Shutdown,
        "kill" => ExitReason::Kill,
        other => ExitReason::error(other),
    };
    sys.stop(actor_ref(slot, generation), reason)
        .map_err(|e| actor_err("stop", e))
}

/// Binds `name` to an actor.
#[wasm_bindgen(js_name = actorsRegister)]
pub fn actors_register(name: &str, slot: u32, generation: u32) -> Result<(), JsValue> {
    let sys = system("register")?;
    sys.register(name, actor_ref(slot, generation))
        .map_err(|e| actor_err("register", e))
}

/// The actor registered as `name`: `[node, slot, generation]` or `undefined`.
#[wasm_bindgen(js_name = actorsWhereis)]
pub fn actors_whereis(name: &str) -> Result<JsValue, JsValue> {
    let sys = system("whereis")?;
    Ok(sys.whereis(name).map_or(JsValue::UNDEFINED, ref_to_js))
}

/// Delivers a message after `ms`; returns a timer id for [`actors_cancel_timer`].
#[wasm_bindgen(js_name = actorsSendAfter)]
pub fn actors_send_after(
    slot: u32,
    generation: u32,
    kind: u32,
    payload: &JsValue,
    ms: f64,
) -> Result<u32, JsValue> {
    let sys = system("sendAfter")?;
    let m = message("sendAfter", kind, payload)?;
    let t = sys
        .send_after(
            actor_ref(slot, generation),
            m,
            Duration::from_secs_f64(ms.clamp(0.0, 1e12) / 1000.0),
        )
        .map_err(|e| actor_err("sendAfter", e))?;
    let id = next_id();
    TIMERS.with(|c| c.borrow_mut().insert(id, t));
    Ok(id)
}

/// Cancels a `sendAfter` timer.
#[wasm_bindgen(js_name = actorsCancelTimer)]
pub fn actors_cancel_timer(id: u32) {
    if let Some(t) = TIMERS.with(|c| c.borrow_mut().remove(&id)) {
        t.cancel();
    }
}

/// Whether the actor is alive.
#[wasm_bindgen(js_name = actorsIsAlive)]
pub fn actors_is_alive(slot: u32, generation: u32) -> bool {
    SYSTEM
        .get()
        .is_some_and(|s| s.is_alive(actor_ref(slot, generation)))
}

/// Checks for handlers running past the watchdog limit (the page calls this on a timer, so a
/// report happens even when every worker is stuck); returns the events since the last call:
/// `{ type: 'exited' | 'longHandler' | 'workerHung', ref, worker?, runningMs?, reason? }`.
#[wasm_bindgen(js_name = actorsTakeEvents)]
pub fn actors_take_events() -> Result<JsValue, JsValue> {
    let sys = system("events")?;
    sys.watchdog_scan();
    let out = Array::new();
    let set = |o: &Object, k: &'static str, v: JsValue| args::set(o, k, &v);
    for e in sys.take_events() {
        let o = Object::new();
        match e {
            SystemEvent::Exited { actor, reason } => {
                set(&o, "type", args::key("exited"));
                set(&o, "ref", ref_object(actor));
                set(&o, "reason", reason_to_js(&reason));
            }
            SystemEvent::LongHandler {
                actor,
                worker,
                running_for,
            }
            | SystemEvent::WorkerHung {
                actor,
                worker,
                running_for,
            } => {
                let hung = matches!(e, SystemEvent::WorkerHung { .. });
                set(
                    &o,
                    "type",
                    args::key(if hung { "workerHung" } else { "longHandler" }),
                );
                set(&o, "ref", ref_object(actor));
                set(&o, "worker", JsValue::from_f64(worker as f64));
                set(
                    &o,
                    "runningMs",
                    JsValue::from_f64(running_for.as_secs_f64() * 1e3),
                );
            }
        }
        out.push(&o);
    }
    Ok(out.into())
}

/// Per-actor and per-worker figures.
#[wasm_bindgen(js_name = actorsStats)]
pub fn actors_stats() -> Result<JsValue, JsValue> {
    let sys = system("stats")?;
    let s = sys.stats();
    let out = Object::new();
    let set = |o: &Object, k: &'static str, v: JsValue| args::set(o, k, &v);
    set(&out, "live", JsValue::from_f64(s.live as f64));
    set(&out, "spawned", JsValue::from_f64(s.spawned as f64));
    set(&out, "exited", JsValue::from_f64(s.exited as f64));
    set(&out, "failed", JsValue::from_f64(s.failed as f64));
    set(
        &out,
        "watchdogReports",
        JsValue::from_f64(s.watchdog_reports as f64),
    );
    let actors = Array::new();
    for a in &s.actors {
        let o = Object::new();
        set(&o, "ref", ref_object(a.actor));
        set(&o, "mailboxLen", JsValue::from_f64(a.mailbox_len as f64));
        set(&o, "processed", JsValue::from_f64(a.processed as f64));
        set(&o, "errors", JsValue::from_f64(a.errors as f64));
        set(
            &o,
            "meanServiceMs",
            JsValue::from_f64(a.mean_service_time.as_secs_f64() * 1e3),
        );
        actors.push(&o);
    }
    set(&out, "actors", actors.into());
    let workers = Array::new();
    for w in &s.workers {
        let o = Object::new();
        set(&o, "load", JsValue::from_f64(w.load));
        set(&o, "turns", JsValue::from_f64(w.turns as f64));
        set(&o, "messages", JsValue::from_f64(w.messages as f64));
        set(&o, "steals", JsValue::from_f64(w.steals as f64));
        set(&o, "replaced", JsValue::from_f64(w.replaced as f64));
        workers.push(&o);
    }
    set(&out, "workers", workers.into());
    Ok(out.into())
}

// ---- OTP hooks (used by `actor_otp.rs`; kept apart so branches merge cleanly) ----

/// The system (`not_started` before `actorsStart`).
pub(crate) fn otp_system(func: &str) -> Result<&'static System, JsValue> {
    system(func)
}

/// Maps a core error to JS (with the exit `reason` for `actor_exited`).
pub(crate) fn otp_error(func: &str, e: ActorError) -> JsValue {
    actor_err(func, e)
}

/// Tracks a call started by the OTP bindings; its result comes out of
/// [`actors_take_completion`] under the returned id like any call's.
pub(crate) fn otp_track_call(mut h: CallHandle) -> u32 {
    let id = next_id();
    let waker = completion_waker(id);
    if let Poll::Ready(r) = Pin::new(&mut h).poll(&mut TaskContext::from_waker(&waker)) {
        READY.with(|q| q.borrow_mut().insert(id, r));
        completions().push(id); // this thread's: a worker's own for a JS handler's call
        return id;
    }
    CALLS.with(|c| c.borrow_mut().insert(id, Pending::Call(h)));
    id
}
