//! The wrapper that enforces a protected actor's requirements where messages arrive (the
//! capabilities of the message being handled travel in its envelope and stay on the
//! `Context`, so the handler's own sends through the authority carry them).

use std::sync::Arc;

use super::authority::Authority;
use super::Requires;
use crate::actor::{ActorError, Behaviour, Context, ExitReason, Message, RequestId};

pub(crate) struct Guarded {
    pub inner: Box<dyn Behaviour>,
    pub need: Requires,
    pub auth: Arc<Authority>,
}

impl Behaviour for Guarded {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        self.inner.init(ctx)
    }

    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        // Only the authority puts capabilities on an envelope, after admitting the message, and
        // the runtime on its EXIT / DOWN messages: no second check here. The actor's own sends
        // to itself (its timers, say) need none. Anything else came without the authority.
        let admitted = ctx.caps.is_some() || ctx.sender() == Some(ctx.myself());
        let need = if admitted { None } else { self.need.of(&msg) };
        if let Some(need) = need {
            let e = self.auth.deny(ctx.sender(), ctx.myself(), &need);
            if let Some(t) = ctx.defer_reply() {
                t.reply_err(e);
            }
            return Ok(Message::Empty);
        }
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
