//! A lock-free multi-producer single-consumer FIFO queue (Vyukov's linked queue with a stub).
//!
//! Producers only swap the head and link the previous node, so a push never waits. The single
//! consumer is enforced by [`MpscQueue::consumer`], a guard that one thread holds per actor turn.
//! A push that has swapped the head but not yet linked its node is invisible to the consumer for a
//! moment ([`Pop::Empty`]); the actor scheduler relies on the producer scheduling the actor only
//! after linking, so the message is never stranded.

#[cfg(katalyst_loom)]
use loom::sync::atomic::{AtomicBool, AtomicPtr, Ordering};
#[cfg(not(katalyst_loom))]
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use std::ptr;

struct Node<T> {
    next: AtomicPtr<Node<T>>,
    value: Option<T>,
}

impl<T> Node<T> {
    fn alloc(value: Option<T>) -> *mut Node<T> {
        Box::into_raw(Box::new(Node {
            next: AtomicPtr::new(ptr::null_mut()),
            value,
        }))
    }
}

/// An unbounded lock-free MPSC queue; bounds are kept by the mailbox around it.
///
/// ```
/// use katalyst::actor::mpsc::MpscQueue;
/// let q = MpscQueue::new();
/// q.push(1);
/// q.push(2);
/// let mut c = q.consumer().unwrap();
/// assert_eq!(c.pop(), Some(1));
/// assert_eq!(c.pop(), Some(2));
/// assert_eq!(c.pop(), None);
/// ```
pub struct MpscQueue<T> {
    /// The newest node; producers swap it.
    head: AtomicPtr<Node<T>>,
    /// The consumed stub; only the consumer (holding `busy`) reads or writes it.
    tail: AtomicPtr<Node<T>>,
    busy: AtomicBool,
}

// SAFETY: values of `T` move between threads through the queue (hence `T: Send`); all shared
// state is atomic and the consumer-only fields are guarded by `busy`.
unsafe impl<T: Send> Send for MpscQueue<T> {}
// SAFETY: as above; `&MpscQueue` only allows pushes and guarded pops.
unsafe impl<T: Send> Sync for MpscQueue<T> {}

impl<T> Default for MpscQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> MpscQueue<T> {
    /// An empty queue (one stub node allocated).
    ///
    /// ```
    /// let q = katalyst::actor::mpsc::MpscQueue::<u8>::new();
    /// assert!(q.consumer().unwrap().pop().is_none());
    /// ```
    pub fn new() -> Self {
        let stub = Node::alloc(None);
        MpscQueue {
            head: AtomicPtr::new(stub),
            tail: AtomicPtr::new(stub),
            busy: AtomicBool::new(false),
        }
    }

    /// Appends `value`; never blocks, from any thread.
    ///
    /// ```
    /// let q = katalyst::actor::mpsc::MpscQueue::new();
    /// q.push("a");
    /// assert_eq!(q.consumer().unwrap().pop(), Some("a"));
    /// ```
    pub fn push(&self, value: T) {
        let node = Node::alloc(Some(value));
        let prev = self.head.swap(node, Ordering::AcqRel);
        // SAFETY: `prev` was the head, so it is a live node: the consumer frees a node only after
        // reading a non-null `next` from it, and that `next` is written only here, once, by the
        // producer that swapped it out of `head` (us).
        unsafe { (*prev).next.store(node, Ordering::Release) };
    }

    /// The consumer side, or `None` while another thread holds it.
    ///
    /// ```
    /// let q = katalyst::actor::mpsc::MpscQueue::<u8>::new();
    /// let c = q.consumer();
    /// assert!(c.is_some());
    /// assert!(q.consumer().is_none());
    /// ```
    pub fn consumer(&self) -> Option<Consumer<'_, T>> {
        self.busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| Consumer { queue: self })
    }
}

impl<T> MpscQueue<T> {
    /// Takes the consumer side even if a dead thread still holds it (the actor reaper).
    ///
    /// # Safety
    /// Whoever held the consumer must never use it again (its thread ended, or its wasm
    /// instance trapped and is never entered again). Its last `pop` either completed or never
    /// started: a pop writes `tail` once and only frees the old stub after, so the queue is
    /// consistent at every instruction boundary a trap can stop at.
    ///
    /// ```
    /// let q = katalyst::actor::mpsc::MpscQueue::new();
    /// q.push(1u8);
    /// let held = q.consumer().unwrap();
    /// std::mem::forget(held); // its owner "died"
    /// // SAFETY: the forgotten consumer is never used again.
    /// let mut c = unsafe { q.reclaim_consumer() };
    /// assert_eq!(c.pop(), Some(1));
    /// ```
    pub unsafe fn reclaim_consumer(&self) -> Consumer<'_, T> {
        self.busy.store(true, Ordering::Release);
        Consumer { queue: self }
    }
}

/// What one pop attempt found.
#[derive(Debug, PartialEq, Eq)]
pub enum Pop<T> {
    /// The oldest value.
    Value(T),
    /// Nothing linked yet (a producer may be between its two steps).
    Empty,
}

/// Exclusive consumer access to an [`MpscQueue`]; released on drop.
pub struct Consumer<'a, T> {
    queue: &'a MpscQueue<T>,
}

impl<T> Consumer<'_, T> {
    /// Takes the oldest value, if one is linked.
    ///
    /// ```
    /// let q = katalyst::actor::mpsc::MpscQueue::new();
    /// q.push(7u32);
    /// assert_eq!(q.consumer().unwrap().pop(), Some(7));
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn pop(&mut self) -> Option<T> {
        match self.try_pop() {
            Pop::Value(v) => Some(v),
            Pop::Empty => None,
        }
    }

    /// Like [`Consumer::pop`], as a [`Pop`].
    ///
    /// ```
    /// use katalyst::actor::mpsc::{MpscQueue, Pop};
    /// let q = MpscQueue::<u8>::new();
    /// assert_eq!(q.consumer().unwrap().try_pop(), Pop::Empty);
    /// ```
    pub fn try_pop(&mut self) -> Pop<T> {
        let tail = self.queue.tail.load(Ordering::Relaxed);
        // SAFETY: `tail` is the current stub, owned by the consumer (we hold `busy`); it is freed
        // only below, after it stopped being the tail.
        let next = unsafe { (*tail).next.load(Ordering::Acquire) };
        if next.is_null() {
            return Pop::Empty;
        }
        self.queue.tail.store(next, Ordering::Relaxed);
        // SAFETY: `next` was linked by a producer with Release after it initialised the node, and
        // we loaded it with Acquire; only the consumer touches `value` of a linked node.
        let value = unsafe { (*next).value.take() };
        // SAFETY: the old stub is unreachable now: `head` moved past it (its `next` is set) and
        // the producer that linked it is done with it; nobody else frees nodes.
        drop(unsafe { Box::from_raw(tail) });
        match value {
            Some(v) => Pop::Value(v),
            None => Pop::Empty,
        }
    }
}

impl<T> Drop for Consumer<'_, T> {
    fn drop(&mut self) {
        self.queue.busy.store(false, Ordering::Release);
    }
}

impl<T> Drop for MpscQueue<T> {
    fn drop(&mut self) {
        let mut node = self.tail.load(Ordering::Relaxed);
        while !node.is_null() {
            // SAFETY: `&mut self`: no producer or consumer remains; every node from the tail on
            // is owned by the queue and freed exactly once here.
            let boxed = unsafe { Box::from_raw(node) };
            node = boxed.next.load(Ordering::Relaxed);
        }
    }
}

#[cfg(all(test, katalyst_loom))]
mod loom_tests {
    use super::*;
    use loom::sync::Arc;
    use loom::thread;

    #[test]
    fn loom_two_producers_keep_order_and_lose_nothing() {
        loom::model(|| {
            let q = Arc::new(MpscQueue::new());
            let producers: Vec<_> = (0..2u32)
                .map(|p| {
                    let q = q.clone();
                    thread::spawn(move || {
                        q.push((p, 0u32));
                        q.push((p, 1u32));
                    })
                })
                .collect();
            let mut seen = Vec::new();
            {
                let mut c = q.consumer().unwrap();
                for _ in 0..3 {
                    if let Some(v) = c.pop() {
                        seen.push(v);
                    }
                    thread::yield_now();
                }
            }
            for p in producers {
                p.join().unwrap();
            }
            let mut c = q.consumer().unwrap();
            while let Some(v) = c.pop() {
                seen.push(v);
            }
            assert_eq!(seen.len(), 4);
            for p in 0..2u32 {
                let mine: Vec<u32> = seen.iter().filter(|v| v.0 == p).map(|v| v.1).collect();
                assert_eq!(mine, vec![0, 1]);
            }
        });
    }

    #[test]
    fn loom_consumer_is_exclusive() {
        loom::model(|| {
            let q = Arc::new(MpscQueue::<u32>::new());
            q.push(1);
            let q2 = q.clone();
            let t = thread::spawn(move || q2.consumer().and_then(|mut c| c.pop()));
            let here = q.consumer().and_then(|mut c| c.pop());
            let there = t.join().unwrap();
            let got: Vec<u32> = here.into_iter().chain(there).collect();
            assert!(got.len() <= 1);
        });
    }
}

#[cfg(all(test, not(katalyst_loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn threads_push_all_arrive_in_sender_order() {
        let q = Arc::new(MpscQueue::new());
        let senders = 4u32;
        let per = 5_000u32;
        let handles: Vec<_> = (0..senders)
            .map(|s| {
                let q = q.clone();
                std::thread::spawn(move || {
                    for i in 0..per {
                        q.push((s, i));
                    }
                })
            })
            .collect();
        let mut next = vec![0u32; senders as usize];
        let mut got = 0;
        while got < senders * per {
            let mut c = q.consumer().expect("sole consumer");
            while let Some((s, i)) = c.pop() {
                assert_eq!(next[s as usize], i, "sender {s} out of order");
                next[s as usize] += 1;
                got += 1;
            }
        }
        for h in handles {
            h.join().expect("producer");
        }
        assert!(q.consumer().expect("sole consumer").pop().is_none());
    }

    #[test]
    fn drop_frees_queued_values() {
        let marker = Arc::new(());
        let q = MpscQueue::new();
        for _ in 0..10 {
            q.push(marker.clone());
        }
        drop(q);
        assert_eq!(Arc::strong_count(&marker), 1);
    }
}
