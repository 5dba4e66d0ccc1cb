//! Turning a handler panic into an exit reason with the panic's message and backtrace.
//!
//! With unwinding (native, or a wasm build with exception handling) `catch_unwind` stops the
//! panic at the handler; a panic hook records the message and backtrace first. The hook only
//! acts on threads that are inside a handler and defers to the previous hook elsewhere.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Once, Weak};

use super::call::ReplyTo;
use super::system::Shared;
use super::ExitReason;

thread_local! {
    static IN_HANDLER: Cell<bool> = const { Cell::new(false) };
    static CAPTURE_BACKTRACE: Cell<bool> = const { Cell::new(true) };
    static LAST: RefCell<Option<(String, Option<String>)>> = const { RefCell::new(None) };
    /// The system and worker slot this thread runs slices of (set per slice).
    static WORKER: RefCell<Option<(Weak<Shared>, usize)>> = const { RefCell::new(None) };
    /// The call being handled on this thread (a copy of its reply target).
    static IN_FLIGHT: RefCell<Option<ReplyTo>> = const { RefCell::new(None) };
    /// Whether the hook left a note in the worker slot during the current handler.
    static NOTED: Cell<bool> = const { Cell::new(false) };
}

/// What a worker's thread knew when a handler panicked: kept in its worker slot, so that if
/// the panic kills the thread (`panic=abort`: a wasm trap) the executor can reap the actor
/// (`System::reap_worker`) with the panic's message and answer the call it was handling.
pub(crate) struct DeathNote {
    pub message: String,
    pub stack: Option<String>,
    pub in_flight: Option<ReplyTo>,
}

/// Records that this thread runs worker `index` of `sys` (cheap when unchanged).
pub(crate) fn set_worker(sys: &Arc<Shared>, index: usize) {
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        let same = w
            .as_ref()
            .is_some_and(|(s, i)| *i == index && std::ptr::eq(s.as_ptr(), Arc::as_ptr(sys)));
        if !same {
            *w = Some((Arc::downgrade(sys), index));
        }
    });
}

/// Sets (or clears) the call being handled on this thread.
pub(crate) fn set_in_flight(reply: Option<ReplyTo>) {
    IN_FLIGHT.with(|f| *f.borrow_mut() = reply);
}

/// Leaves a death note in this thread's worker slot (from the panic hook).
fn leave_note(message: &str, stack: Option<&str>) {
    let Some((sys, index)) = WORKER.with(|w| w.borrow().clone()) else {
        return;
    };
    let Some(sys) = sys.upgrade() else {
        return;
    };
    let Some(slot) = sys.sched.workers.get(index) else {
        return;
    };
    let in_flight = IN_FLIGHT.with(|f| f.borrow().clone());
    let noted = match slot.death.try_lock() {
        Ok(mut note) => {
            *note = Some(DeathNote {
                message: message.to_owned(),
                stack: stack.map(str::to_owned),
                in_flight,
            });
            true
        }
        Err(_) => false,
    };
    NOTED.with(|n| n.set(noted));
}

/// The handler survived its panic (unwinding): the note is not needed.
fn clear_note() {
    if !NOTED.with(|n| n.replace(false)) {
        return;
    }
    if let Some((sys, index)) = WORKER.with(|w| w.borrow().clone()) {
        if let Some(slot) = sys
            .upgrade()
            .as_ref()
            .and_then(|s| s.sched.workers.get(index))
        {
            if let Ok(mut note) = slot.death.try_lock() {
                *note = None;
            }
        }
    }
}

static INSTALL: Once = Once::new();

/// Installs the capturing panic hook once per process (the executors call this).
///
/// ```
/// katalyst::actor::install_panic_capture();
/// katalyst::actor::install_panic_capture(); // idempotent
/// ```
pub fn install_panic_capture() {
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_HANDLER.with(|h| h.get()) {
                let message = payload_text(info.payload());
                let message = match info.location() {
                    Some(l) => format!("{message} (at {}:{})", l.file(), l.line()),
                    None => message,
                };
                let backtrace = CAPTURE_BACKTRACE
                    .with(|c| c.get())
                    .then(|| std::backtrace::Backtrace::force_capture().to_string());
                leave_note(&message, backtrace.as_deref());
                LAST.with(|l| *l.borrow_mut() = Some((message, backtrace)));
            } else {
                previous(info);
            }
        }));
    });
}

fn payload_text(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_owned()
    }
}

/// Runs `f`; a panic becomes `ExitReason::Error` with the message (and backtrace if enabled).
pub(crate) fn guarded<R>(backtrace: bool, f: impl FnOnce() -> R) -> Result<R, ExitReason> {
    IN_HANDLER.with(|h| h.set(true));
    CAPTURE_BACKTRACE.with(|c| c.set(backtrace));
    let r = catch_unwind(AssertUnwindSafe(f));
    IN_HANDLER.with(|h| h.set(false));
    clear_note();
    r.map_err(|payload| {
        let (message, backtrace) = LAST
            .with(|l| l.borrow_mut().take())
            .unwrap_or_else(|| (payload_text(payload.as_ref()), None));
        ExitReason::Error {
            message: format!("panic: {message}"),
            backtrace,
        }
    })
}
