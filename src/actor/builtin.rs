//! Built-in behaviours registered by name (`'echo'`, `'counter'`, `'crypto'`, `'compute'`), so
//! JavaScript can spawn Rust actors and move work off the main thread by sending a message.

use std::sync::Arc;

use super::{from_fn, Behaviour, Context, ExitReason, Message, System};

/// Registers the built-in behaviours on `sys`.
///
/// - `'echo'`: replies with the message it got.
/// - `'counter'`: starts at the integer `args` (or 0); an integer message adds to it, any
///   message replies with the total; a message that is not an integer or empty ends the actor
///   with an `error` reason.
/// - `'crypto'`: replies to bytes with their SHA-256 digest.
/// - `'sink'`: takes every message and never answers a call (it keeps the reply tokens until
///   it exits): what timeout and abort tests need.
/// - `'panic'`: panics in its handler, to exercise fault isolation (natively the actor exits
///   with the panic message; in the browser `mt` build, `panic=abort` kills its worker).
/// - `'crdt-replica'`: one replica of a CRDT (`crate::crdt`): args `{ type, replica, state? }`,
///   messages `{ op, ... }` (see `CrdtReplica` and the protocol in `src/actor/README.md`).
/// - `'compute'`: replies to bytes `[m, k, n as u32 LE][a: m·k f32 LE][b: k·n f32 LE]` with the
///   bytes of `a·b` (`m·n` f32 LE), computed by `crate::compute::sgemm`.
/// - `'ping'`: answers a call with bytes `[slot, generation, n as u32 LE]` by calling that
///   actor `n` times in sequence (each reply must echo the integer sent) and replying the
///   nanoseconds it took: actor-to-actor round trips timed inside the runtime.
///
/// ```
/// use katalyst::actor::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// register_builtins(sys);
/// let c = sys.spawn_named("counter", Message::Int(5), SpawnOptions::default()).unwrap();
/// sys.cast(c, Message::Int(2)).unwrap();
/// let t = sys.call(c, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
/// assert_eq!(t.unwrap().as_int(), Some(7));
/// let h = sys.spawn_named("crypto", Message::Empty, SpawnOptions::default()).unwrap();
/// let d = sys.call(h, Message::Bytes(b"abc".to_vec()), std::time::Duration::from_secs(5)).unwrap().wait().unwrap();
/// assert_eq!(d.as_bytes().map(|b| b[0]), Some(0xba));
/// let p = sys.spawn_named("panic", Message::Empty, SpawnOptions::default()).unwrap();
/// let e = sys.call(p, Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait().unwrap_err();
/// assert!(e.to_string().contains("panicked on request"));
/// ```
pub fn register_builtins(sys: &System) {
    super::builtin_ping::register(sys);
    sys.register_behaviour(
        "echo",
        Arc::new(|_args: Message| Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>)),
    );
    sys.register_behaviour(
        "counter",
        Arc::new(|args: Message| {
            let start = match args {
                Message::Empty => 0,
                Message::Int(i) => i,
                _ => return Err("args: expected an integer or nothing".into()),
            };
            Ok(Box::new(Counter(start)) as Box<dyn Behaviour>)
        }),
    );
    sys.register_behaviour(
        "crypto",
        Arc::new(|_args: Message| {
            Ok(Box::new(from_fn(|m, _| match m.as_bytes() {
                Some(b) => Ok(Message::Bytes(crate::crypto::sha256(b).to_vec())),
                None => Err(ExitReason::error("crypto: expected bytes (a Uint8Array)")),
            })) as Box<dyn Behaviour>)
        }),
    );
    sys.register_behaviour(
        "sink",
        Arc::new(|_args: Message| Ok(Box::new(Sink(Vec::new())) as Box<dyn Behaviour>)),
    );
    sys.register_behaviour(
        "panic",
        Arc::new(|_args: Message| {
            Ok(Box::new(from_fn(|_m, _| -> Result<Message, ExitReason> {
                panic!("the 'panic' behaviour panicked on request")
            })) as Box<dyn Behaviour>)
        }),
    );
    sys.register_behaviour(
        "crdt-replica",
        Arc::new(|args: Message| {
            Ok(Box::new(super::crdt_replica::CrdtReplica::from_args(args)?) as Box<dyn Behaviour>)
        }),
    );
    sys.register_behaviour(
        "compute",
        Arc::new(|_args: Message| {
            Ok(Box::new(from_fn(|m, _| match m.as_bytes() {
                Some(b) => sgemm_bytes(b)
                    .map(Message::Bytes)
                    .map_err(ExitReason::error),
                None => Err(ExitReason::error(
                    "compute: expected bytes [m, k, n as u32][a][b] (a Uint8Array)",
                )),
            })) as Box<dyn Behaviour>)
        }),
    );
}

struct Sink(Vec<super::ReplyToken>);

impl Behaviour for Sink {
    fn handle(&mut self, _msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        if let Some(t) = ctx.defer_reply() {
            self.0.push(t);
        }
        Ok(Message::Empty)
    }
}

struct Counter(i64);

impl Behaviour for Counter {
    fn handle(&mut self, msg: Message, _ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        match msg {
            Message::Int(i) => self.0 = self.0.wrapping_add(i),
            Message::Empty => {}
            _ => {
                return Err(ExitReason::error(
                    "counter: expected an integer message or nothing",
                ))
            }
        }
        Ok(Message::Int(self.0))
    }
}

fn read_f32s(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn sgemm_bytes(b: &[u8]) -> Result<Vec<u8>, String> {
    let dim = |i: usize| -> Result<usize, String> {
        b.get(i * 4..i * 4 + 4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize)
            .ok_or_else(|| format!("compute: expected a 12-byte header, got {} bytes", b.len()))
    };
    let (m, k, n) = (dim(0)?, dim(1)?, dim(2)?);
    let a_len = m.saturating_mul(k).saturating_mul(4);
    let b_len = k.saturating_mul(n).saturating_mul(4);
    let want = 12usize.saturating_add(a_len).saturating_add(b_len);
    if b.len() != want {
        return Err(format!(
            "compute: m={m} k={k} n={n} needs {want} bytes, got {}",
            b.len()
        ));
    }
    let a = read_f32s(&b[12..12 + a_len]);
    let bm = read_f32s(&b[12 + a_len..]);
    let c = crate::compute::sgemm(&a, &bm, m, k, n, &crate::compute::GemmOptions::default())
        .map_err(|e| format!("compute: {e}"))?;
    Ok(c.iter().flat_map(|x| x.to_le_bytes()).collect())
}
