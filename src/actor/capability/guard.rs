//! The wrapper that enforces a protected actor's requirements where messages arrive, and
//! makes the capabilities of the message being handled the ones its own sends carry.

use std::cell::RefCell;
use std::sync::Arc;

use super::authority::{Authority, CapSet, Requirement};
use crate::actor::{ActorError, Behaviour, Context, ExitReason, Message, RequestId};

/// A message with the sender's capabilities.
pub(crate) struct Sealed {
    pub caps: CapSet,
    pub msg: Message,
}

thread_local! {
    static CURRENT: RefCell<Option<CapSet>> = const { RefCell::new(None) };
}

/// The capabilities of the message being handled on this thread (empty outside one).
pub(crate) fn current() -> CapSet {
    CURRENT
        .with(|c| c.borrow().clone())
        .unwrap_or_else(|| Arc::new([]))
}

pub(crate) struct Guarded {
    pub inner: Box<dyn Behaviour>,
    pub need: Requirement,
    pub auth: Arc<Authority>,
}

struct Restore(Option<CapSet>);
impl Drop for Restore {
    fn drop(&mut self) {
        let prev = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

impl Behaviour for Guarded {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        self.inner.init(ctx)
    }

    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        // Only the authority makes a `Sealed` (a private type), after admitting it: no
        // second check here. Anything else reached this actor without the authority.
        let (caps, msg, admitted) = match msg.downcast::<Sealed>() {
            Ok(s) => (s.caps, s.msg, true),
            Err(m) => (Arc::from([]) as CapSet, m, false),
        };
        let need = if admitted { None } else { (self.need)(&msg) };
        if let Some(need) = need {
            let e = self.auth.deny(ctx.sender(), ctx.myself(), &need);
            if let Some(t) = ctx.defer_reply() {
                t.reply_err(e);
            }
            return Ok(Message::Empty);
        }
        let prev = CURRENT.with(|c| c.borrow_mut().replace(caps));
        let _restore = Restore(prev);
        self.inner.handle(msg, ctx)
    }

    fn handle_reply(
        &mut self,
        request: RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        self.inner.handle_reply(request, result, ctx)
    }

    fn terminate(&mut self, reason: &ExitReason) {
        self.inner.terminate(reason)
    }
}
