//! A bounded mailbox: the lock-free queue plus a length counter that enforces the bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Waker;

use super::call::ReplyTo;
use super::capability::Carried;
use super::link::Signal;
use super::mpsc::MpscQueue;
use super::{ActorError, ActorRef, Message, RequestId};

/// One queued item, stamped with the incarnation it was sent to.
pub(crate) struct Envelope {
    pub generation: u32,
    pub from: Option<ActorRef>,
    /// The sender's capabilities, for messages sent through the capability authority.
    pub caps: Option<Carried>,
    pub kind: EnvelopeKind,
}

/// What an envelope carries. Links, monitors and capability checks (next issue) add kinds here.
pub(crate) enum EnvelopeKind {
    Cast(Message),
    Call(Message, ReplyTo),
    Reply(RequestId, Result<Message, ActorError>),
    /// Link, monitor and (to trapping actors) exit signals: `link.rs`.
    Signal(Signal),
}

pub(crate) struct Mailbox {
    pub queue: MpscQueue<Envelope>,
    len: AtomicUsize,
    capacity: AtomicUsize,
    /// Senders waiting for room (`cast_wait`), and how many.
    space_waiters: MpscQueue<Waker>,
    waiting: AtomicUsize,
}

impl Mailbox {
    pub fn new() -> Self {
        Mailbox {
            queue: MpscQueue::new(),
            len: AtomicUsize::new(0),
            capacity: AtomicUsize::new(0),
            space_waiters: MpscQueue::new(),
            waiting: AtomicUsize::new(0),
        }
    }

    pub fn set_capacity(&self, capacity: usize) {
        self.capacity.store(capacity, Ordering::Release);
    }

    pub fn capacity(&self) -> usize {
        self.capacity.load(Ordering::Acquire)
    }

    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    /// Pushes unless the mailbox holds `capacity` items already (then hands the envelope back,
    /// boxed: only a full mailbox pays for it).
    pub fn push_bounded(&self, env: Envelope) -> Result<(), Box<Envelope>> {
        let capacity = self.capacity();
        let mut len = self.len.load(Ordering::SeqCst);
        loop {
            if len >= capacity {
                return Err(Box::new(env));
            }
            match self
                .len
                .compare_exchange_weak(len, len + 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => break,
                Err(now) => len = now,
            }
        }
        self.queue.push(env);
        Ok(())
    }

    /// Pushes regardless of the bound (replies and system messages must not be lost).
    pub fn push_unbounded(&self, env: Envelope) {
        self.len.fetch_add(1, Ordering::AcqRel);
        self.queue.push(env);
    }

    /// Called by the consumer after each pop.
    pub fn popped(&self) {
        self.len.fetch_sub(1, Ordering::SeqCst);
        self.wake_waiters();
    }

    /// Wakes every sender waiting for room (they retry; a dead actor answers them `noproc`).
    pub fn wake_waiters(&self) {
        if self.waiting.load(Ordering::SeqCst) > 0 {
            if let Some(mut waiters) = self.space_waiters.consumer() {
                while let Some(w) = waiters.pop() {
                    self.waiting.fetch_sub(1, Ordering::SeqCst);
                    w.wake();
                }
            }
        }
    }

    /// Registers a sender waiting for room (it retries once after this, so a pop in between
    /// is not missed).
    pub fn wait_for_space(&self, waker: Waker) {
        self.space_waiters.push(waker);
        self.waiting.fetch_add(1, Ordering::SeqCst);
    }
}
