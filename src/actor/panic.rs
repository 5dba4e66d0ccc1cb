//! Turning a handler panic into an exit reason with the panic's message and backtrace.
//!
//! With unwinding (native, or a wasm build with exception handling) `catch_unwind` stops the
//! panic at the handler; a panic hook records the message and backtrace first. The hook only
//! acts on threads that are inside a handler and defers to the previous hook elsewhere.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use super::ExitReason;

thread_local! {
    static IN_HANDLER: Cell<bool> = const { Cell::new(false) };
    static CAPTURE_BACKTRACE: Cell<bool> = const { Cell::new(true) };
    static LAST: RefCell<Option<(String, Option<String>)>> = const { RefCell::new(None) };
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
