//! `'ping'`: measures call round trips between two actors from inside the runtime, so the
//! browser benchmark of actor-to-actor calls times no JavaScript and no main thread.

use std::time::Duration;

use super::{ActorError, ActorId, ActorRef, Behaviour, Context, ExitReason, Message, ReplyToken};
use super::{RequestId, System};

const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Answers a call with bytes `[slot u32 LE][generation u32 LE][n u32 LE]` by calling that actor
/// (on this node) `n` times in sequence with `Int(i)`, checking each reply echoes `i`, then
/// replying `Int(nanoseconds for all n round trips)`. A wrong or failed reply ends the run with
/// that error for the caller; the ping actor lives on.
#[derive(Default)]
pub(super) struct Ping {
    run: Option<Run>,
}

struct Run {
    target: ActorRef,
    left: u32,
    sent: i64,
    started: u64,
    reply: ReplyToken,
}

/// Answers a benchmark builtin's caller with `Int(nanoseconds since started)` (`'ping'`,
/// `'flood'`).
pub(crate) fn reply_elapsed(reply: ReplyToken, started: u64, ctx: &Context<'_>) {
    let ns = ctx.now_ns().saturating_sub(started);
    reply.reply(Message::Int(i64::try_from(ns).unwrap_or(i64::MAX)));
}

/// Reads a benchmark builtin's request `[slot u32 LE][generation u32 LE][n u32 LE]`: an actor
/// on `node` and a count of at least 1 (`'ping'`, `'flood'`).
pub(crate) fn target_and_count(
    name: &str,
    node: u16,
    msg: &Message,
) -> Result<(ActorRef, u32), ActorError> {
    let bad = |message: String| ActorError::BadArgs {
        name: name.into(),
        message,
    };
    let b = msg.as_bytes().filter(|b| b.len() == 12).ok_or_else(|| {
        bad(format!(
            "{name}: expected 12 bytes [slot, generation, n as u32 LE]"
        ))
    })?;
    let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let n = word(8);
    if n == 0 {
        return Err(bad(format!("{name}: n must be at least 1, got 0")));
    }
    let id = ActorId {
        node,
        slot: word(0),
        generation: word(4),
    };
    Ok((ActorRef::from_id(id), n))
}

impl Ping {
    fn send(run: &mut Run, ctx: &mut Context<'_>) -> Result<RequestId, ActorError> {
        ctx.call(run.target, Message::Int(run.sent), CALL_TIMEOUT)
    }
}

impl Behaviour for Ping {
    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        let Some(reply) = ctx.defer_reply() else {
            return Ok(Message::Empty); // a cast: nothing to measure for
        };
        if self.run.is_some() {
            reply.reply_err(ActorError::BadArgs {
                name: "ping".into(),
                message: "a run is already in progress".into(),
            });
            return Ok(Message::Empty);
        }
        let (target, n) = match target_and_count("ping", ctx.myself().id().node, &msg) {
            Ok(v) => v,
            Err(e) => {
                reply.reply_err(e);
                return Ok(Message::Empty);
            }
        };
        let mut run = Run {
            target,
            left: n,
            sent: 0,
            started: ctx.now_ns(),
            reply,
        };
        match Self::send(&mut run, ctx) {
            Ok(_) => self.run = Some(run),
            Err(e) => run.reply.reply_err(e),
        }
        Ok(Message::Empty)
    }

    fn handle_reply(
        &mut self,
        _request: RequestId,
        result: Result<Message, ActorError>,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        let Some(mut run) = self.run.take() else {
            return Ok(());
        };
        let echoed = match result {
            Ok(m) if m.as_int() == Some(run.sent) => Ok(()),
            Ok(_) => Err(ActorError::BadArgs {
                name: "ping".into(),
                message: format!("the target did not echo {}", run.sent),
            }),
            Err(e) => Err(e),
        };
        if let Err(e) = echoed {
            run.reply.reply_err(e);
            return Ok(());
        }
        run.left -= 1;
        if run.left == 0 {
            reply_elapsed(run.reply, run.started, ctx);
            return Ok(());
        }
        run.sent += 1;
        match Self::send(&mut run, ctx) {
            Ok(_) => self.run = Some(run),
            Err(e) => run.reply.reply_err(e),
        }
        Ok(())
    }
}

pub(super) fn register(sys: &System) {
    sys.register_behaviour(
        "ping",
        std::sync::Arc::new(|_args: Message| Ok(Box::new(Ping::default()) as Box<dyn Behaviour>)),
    );
}
