//! `'flood'`: casts n messages to an actor from inside the runtime, then answers with the
//! nanoseconds until that actor handled them all. A call that carries capabilities makes
//! every cast go through the authority with them ([`Authority::cast_from`]); a call without
//! makes plain casts. The browser benchmark of the capability check's cost per message uses
//! it so that no JavaScript runs per message.

use std::sync::Arc;
use std::time::Duration;

use super::Authority;
use crate::actor::builtin_ping::{reply_elapsed, target_and_count};
use crate::actor::{
    ActorError, Behaviour, Context, ExitReason, Message, ReplyToken, RequestId, System,
};

const BARRIER_TIMEOUT: Duration = Duration::from_secs(30);

struct Flood {
    auth: Arc<Authority>,
    /// The caller's reply and when the run started, until the target answers the barrier.
    run: Option<(ReplyToken, u64)>,
}

impl Flood {
    fn start(&mut self, msg: &Message, ctx: &mut Context<'_>) -> Result<(), ActorError> {
        if self.run.is_some() {
            return Err(ActorError::BadArgs {
                name: "flood".into(),
                message: "a run is already in progress".into(),
            });
        }
        let (target, n) = target_and_count("flood", ctx.myself().id().node, msg)?;
        let checked = ctx.caps.is_some();
        for i in 0..n {
            let m = Message::Int(i64::from(i));
            if checked {
                self.auth.cast_from(ctx, target, m)?;
            } else {
                ctx.cast(target, m)?;
            }
        }
        // Per-sender order: the answer to this comes after every cast was handled.
        if checked {
            self.auth
                .call_from(ctx, target, Message::Empty, BARRIER_TIMEOUT)?;
        } else {
            ctx.call(target, Message::Empty, BARRIER_TIMEOUT)?;
        }
        Ok(())
    }
}

impl Behaviour for Flood {
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        let Some(reply) = ctx.defer_reply() else {
            return Ok(Message::Empty); // a cast: nobody to answer
        };
        let started = ctx.now_ns();
        match self.start(&msg, ctx) {
            Ok(()) => self.run = Some((reply, started)),
            Err(e) => reply.reply_err(e),
        }
        Ok(Message::Empty)
    }

    fn handle_reply(
        &mut self,
        _request: RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        if let Some((reply, started)) = self.run.take() {
            match result {
                Ok(_) => reply_elapsed(reply, started, ctx),
                Err(e) => reply.reply_err(e),
            }
        }
        Ok(())
    }
}

/// Registers `'flood'` (see the module documentation) with `auth` as its authority. The
/// request is `[slot u32 LE][generation u32 LE][n u32 LE]`, an actor on the same node.
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::capability::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// let auth = Authority::new(sys, Hierarchy::default()).unwrap();
/// register_flood(sys, auth.clone());
/// let sink = auth.spawn_guarded(from_fn(|m, _| Ok(m)), Capability::new("ingest"), SpawnOptions::default()).unwrap();
/// let flood = sys.spawn_named("flood", Message::Empty, SpawnOptions::default()).unwrap();
/// let id = sink.id();
/// let req = [id.slot.to_le_bytes(), id.generation.to_le_bytes(), 100u32.to_le_bytes()].concat();
/// let caps: CapSet = std::sync::Arc::new([auth.issue(Capability::new("ingest"))]);
/// let t = std::time::Duration::from_secs(5);
/// let ns = auth.call(&caps, flood, Message::Bytes(req.clone()), t).unwrap().wait().unwrap();
/// assert!(ns.as_int().unwrap() > 0);
/// // Without capabilities the casts are plain, and the guarded sink refuses them.
/// assert!(sys.call(flood, Message::Bytes(req), t).unwrap().wait().is_err());
/// ```
pub fn register_flood(sys: &System, auth: Arc<Authority>) {
    sys.register_behaviour(
        "flood",
        Arc::new(move |_args: Message| {
            Ok(Box::new(Flood {
                auth: auth.clone(),
                run: None,
            }) as Box<dyn Behaviour>)
        }),
    );
}
