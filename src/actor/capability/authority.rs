//! The authority: issues and checks capability tokens, holds each protected actor's
//! requirements, checks every guarded send, and keeps the bounded audit log of denials.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use crossbeam_queue::ArrayQueue;
use zeroize::Zeroizing;

use super::guard::Guarded;
use super::token::{check, sign};
use super::{CapToken, Capability, Carried, Hierarchy, PinnedId, PinnedSets, Requires, PIN_AFTER};
use crate::actor::{
    ActorError, ActorRef, Behaviour, CallHandle, Context, Message, OtpEvent, RequestId,
    SpawnOptions, System,
};

/// The capabilities a send carries (cheap to clone; a handler's own sends carry the set of the
/// message it is handling).
pub type CapSet = Arc<[CapToken]>;

/// A refused message, as the audit log keeps it.
///
/// See [`Authority::audit`] for an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    /// When (system clock).
    pub at: Duration,
    /// The sending actor, if the send came from one.
    pub from: Option<ActorRef>,
    /// The protected actor.
    pub to: ActorRef,
    /// The capability that was missing.
    pub missing: String,
}

/// Issues capabilities and enforces them (deny by default: a protected actor's requirement
/// must be met by a genuine token the sender carries).
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::capability::*;
/// use std::sync::Arc;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let sys = ex.system();
/// let mut h = Hierarchy::default();
/// h.declare("admin", "write");
/// let auth = Authority::new(sys, h).unwrap();
/// let store = auth.spawn_guarded(from_fn(|m, _| Ok(m)), Capability::new("write"), SpawnOptions::default()).unwrap();
/// let admin: CapSet = Arc::new([auth.issue(Capability::new("admin"))]);
/// auth.cast(&admin, store, Message::Int(1)).unwrap();
/// let none: CapSet = Arc::new([]);
/// let e = auth.cast(&none, store, Message::Int(2)).unwrap_err();
/// assert_eq!(katalyst::error::Classify::code(&e), "forbidden");
/// assert_eq!(auth.audit().len(), 1);
/// ```
pub struct Authority {
    id: u64,
    key: Zeroizing<[u8; 32]>,
    hierarchy: ArcSwap<Hierarchy>,
    requirements: ArcSwap<RefMap<Requires>>,
    /// Bumped after each change of `requirements` or `hierarchy`: see
    /// [`Authority::with_requirements`] and [`Authority::admit`].
    version: AtomicU64,
    audit: ArrayQueue<Denial>,
    sys: System,
}

/// The requirement table is read once per checked message: actor refs are a few small
/// integers, so a multiply-rotate hash (FxHash's) replaces SipHash there.
#[derive(Default, Clone, Copy)]
struct RefHasher(u64);

impl Hasher for RefHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
}

impl RefHasher {
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type RefMap<V> = HashMap<ActorRef, V, BuildHasherDefault<RefHasher>>;

/// What a sending thread last saw of one authority's requirements.
struct Seen {
    authority: u64,
    version: u64,
    table: Arc<RefMap<Requires>>,
}

/// A send this thread admitted under a fixed requirement (or none). Valid while the
/// authority's version is unchanged; the entry holds the set, so its address cannot be reused
/// by another set while it is remembered. It also counts the sends it admits: after
/// [`PIN_AFTER`] the set is pinned (`pinned.rs`), and later sends carry its index.
struct Admitted {
    authority: u64,
    version: u64,
    to: ActorRef,
    caps: CapSet,
    hits: u32,
    pinned: Option<PinnedId>,
}

/// Admitted sends a thread remembers.
const ADMITTED_ENTRIES: usize = 8;

type AdmittedTable = [Option<Admitted>; ADMITTED_ENTRIES];

impl Admitted {
    /// The entry a send looks at first. A lookup goes on through the others (open addressing):
    /// direct-mapped, two pairs that hashed alike evicted each other on every send.
    fn home(caps: &CapSet, to: ActorRef) -> usize {
        let key = (caps.as_ptr() as u64) ^ (u64::from(to.id().slot) << 32);
        let bits = ADMITTED_ENTRIES.trailing_zeros();
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
    }

    fn probe(home: usize) -> impl Iterator<Item = usize> {
        (0..ADMITTED_ENTRIES).map(move |i| (home + i) % ADMITTED_ENTRIES)
    }

    fn find(table: &AdmittedTable, home: usize, f: impl Fn(&Admitted) -> bool) -> Option<usize> {
        Self::probe(home).find(|&i| table[i].as_ref().is_some_and(&f))
    }

    /// Stores at the first entry from `home` that is free or left by an older version of the
    /// same authority; when there is none, over the `home` one.
    fn remember(self, table: &mut AdmittedTable, home: usize) {
        let free = |a: &Option<Admitted>| {
            a.as_ref()
                .is_none_or(|a| a.authority == self.authority && a.version != self.version)
        };
        let at = Self::probe(home).find(|&i| free(&table[i])).unwrap_or(home);
        table[at] = Some(self);
    }
}

/// Authorities a thread keeps a [`Seen`] for.
const SEEN_TABLES: usize = 4;

thread_local! {
    static SEEN: RefCell<[Option<Seen>; SEEN_TABLES]> =
        const { RefCell::new([const { None }; SEEN_TABLES]) };
    static ADMITTED: RefCell<AdmittedTable> =
        const { RefCell::new([const { None }; ADMITTED_ENTRIES]) };
}

/// Denials kept (the oldest are dropped first).
pub const AUDIT_CAPACITY: usize = 1024;

impl Authority {
    /// A new authority with a fresh random secret (`ExecutorFailed` if the OS random source
    /// is unavailable).
    ///
    /// See [`Authority`] for an example.
    pub fn new(sys: &System, hierarchy: Hierarchy) -> Result<Arc<Self>, ActorError> {
        let mut key = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut key[..]).map_err(|e| ActorError::ExecutorFailed {
            message: format!("capability secret: random source unavailable ({e})"),
        })?;
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Arc::new(Authority {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            key,
            hierarchy: ArcSwap::from_pointee(hierarchy),
            requirements: ArcSwap::from_pointee(RefMap::default()),
            version: AtomicU64::new(0),
            audit: ArrayQueue::new(AUDIT_CAPACITY),
            sys: sys.clone(),
        }))
    }

    /// Issues a token for `cap` (only the system owner holds the authority).
    ///
    /// See [`CapToken`] for an example.
    pub fn issue(&self, cap: Capability) -> CapToken {
        let tag = sign(&self.key, &cap);
        CapToken {
            cap,
            tag,
            issuer: self.id,
        }
    }

    /// Whether `token` was issued by this authority (and not altered).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let real = auth.issue(Capability::new("read"));
    /// let forged = CapToken::forge(Capability::new("admin"), [7; 32]);
    /// assert!(auth.verify(&real) && !auth.verify(&forged));
    /// ```
    pub fn verify(&self, token: &CapToken) -> bool {
        // Token fields cannot be set or changed outside this crate, so a token carrying this
        // authority's id is one it made (an index-like check, per message); any other token
        // (forged, or rebuilt from bytes that crossed an instance boundary) must carry a valid
        // HMAC tag.
        token.issuer == self.id || check(&self.key, token)
    }

    /// `token` as if this authority had just issued it, when it verifies (`None` otherwise).
    /// A token that came back from outside the process (bytes, JSON) costs an HMAC check on
    /// every message it authorises; adopting it once makes later checks an id comparison.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let real = auth.issue(Capability::new("read"));
    /// let returned = CapToken::forge(real.capability().clone(), *real.tag());
    /// assert!(auth.adopt(&returned).is_some());
    /// assert!(auth.adopt(&CapToken::forge(Capability::new("admin"), [7; 32])).is_none());
    /// ```
    pub fn adopt(&self, token: &CapToken) -> Option<CapToken> {
        self.verify(token).then(|| CapToken {
            cap: token.cap.clone(),
            tag: token.tag,
            issuer: self.id,
        })
    }

    /// A narrower token from `token`: `narrower` must be granted by it (name implied, scope
    /// inside). Widening fails with `forbidden`.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let docs = auth.issue(Capability::scoped("read", "/docs/*"));
    /// let one = auth.attenuate(&docs, Capability::scoped("read", "/docs/a/*")).unwrap();
    /// assert!(auth.verify(&one));
    /// assert!(auth.attenuate(&docs, Capability::new("read")).is_err());
    /// assert!(auth.attenuate(&one, Capability::scoped("read", "/docs/*")).is_err());
    /// ```
    pub fn attenuate(
        &self,
        token: &CapToken,
        narrower: Capability,
    ) -> Result<CapToken, ActorError> {
        let inside = self.verify(token)
            && self
                .hierarchy
                .load()
                .name_implies(&token.cap.name, &narrower.name)
            && match (&token.cap.scope, &narrower.scope) {
                (None, _) => true,
                (Some(_), None) => false,
                // The narrower pattern, read literally, must fall inside the wider one.
                (Some(wide), Some(narrow)) => super::cap::glob(wide.as_bytes(), narrow.as_bytes()),
            };
        if !inside {
            return Err(ActorError::Forbidden {
                actor: ActorRef::from_parts([0, 0, 0]).id(),
                capability: narrower.to_string(),
            });
        }
        Ok(self.issue(narrower))
    }

    /// Whether `caps` holds a genuine token meeting `need`.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let caps: CapSet = std::sync::Arc::new([auth.issue(Capability::new("read"))]);
    /// assert!(auth.satisfies(&caps, &Capability::new("read")));
    /// assert!(!auth.satisfies(&caps, &Capability::new("write")));
    /// ```
    pub fn satisfies(&self, caps: &[CapToken], need: &Capability) -> bool {
        caps.iter().any(|t| {
            // Same name: no hierarchy needed (the common case costs no extra atomic load).
            let named = t.cap.name == need.name
                || self.hierarchy.load().name_implies(&t.cap.name, &need.name);
            named && t.cap.covers_scope(need.scope.as_deref()) && self.verify(t)
        })
    }

    /// Declares `stronger ⇒ weaker` after the authority was made (tokens already issued
    /// follow the new hierarchy from the next check).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let admin: CapSet = std::sync::Arc::new([auth.issue(Capability::new("admin"))]);
    /// assert!(!auth.satisfies(&admin, &Capability::new("read")));
    /// auth.declare("admin", "read");
    /// assert!(auth.satisfies(&admin, &Capability::new("read")));
    /// ```
    pub fn declare(&self, stronger: &str, weaker: &str) {
        self.hierarchy.rcu(|h| {
            let mut h = Hierarchy::clone(h);
            h.declare(stronger, weaker);
            h
        });
        self.version.fetch_add(1, Ordering::Release);
    }

    /// Declares what `actor`'s messages require (replacing any earlier declaration).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// auth.protect(a, Capability::new("x"));
    /// let none: CapSet = std::sync::Arc::new([]);
    /// assert!(auth.cast(&none, a, Message::Empty).is_err());
    /// ```
    pub fn protect(&self, actor: ActorRef, need: impl Into<Requires>) {
        let need = need.into();
        self.requirements.rcu(|m| {
            let mut m = RefMap::clone(m);
            m.insert(actor, need.clone());
            m
        });
        // After the store: a thread that sees the new version loads the new table.
        self.version.fetch_add(1, Ordering::Release);
    }

    /// Runs `f` on the requirement table. A checked send reads it once per message, and an
    /// `ArcSwap` load (two atomic read-modify-writes, 13 of the check's 28 ns here) was its
    /// largest part, so each thread keeps the table it last saw and reloads it only when the
    /// version moved (one plain load). A nested use (a requirement that itself sends) reads
    /// the shared table.
    fn with_requirements<R>(&self, version: u64, f: impl FnOnce(&RefMap<Requires>) -> R) -> R {
        SEEN.with(|seen| {
            let Ok(mut seen) = seen.try_borrow_mut() else {
                return f(&self.requirements.load());
            };
            let at = seen
                .iter()
                .position(|s| s.as_ref().is_some_and(|s| s.authority == self.id))
                .or_else(|| seen.iter().position(Option::is_none))
                .unwrap_or(self.id as usize % SEEN_TABLES);
            let entry = match &mut seen[at] {
                Some(s) if s.authority == self.id && s.version == version => s,
                slot => slot.insert(Seen {
                    authority: self.id,
                    version,
                    table: self.requirements.load_full(),
                }),
            };
            f(&entry.table)
        })
    }

    /// Spawns `behaviour` wrapped so that it only sees messages whose requirement the sender
    /// met (also when a message reaches it without going through the authority), and whose
    /// own sends through [`Authority::cast_from`] carry the capabilities of the message being
    /// handled.
    ///
    /// See [`Authority`] for an example.
    pub fn spawn_guarded(
        self: &Arc<Self>,
        behaviour: impl Behaviour,
        need: impl Into<Requires>,
        opts: SpawnOptions,
    ) -> Result<ActorRef, ActorError> {
        let need = need.into();
        let g = Guarded {
            inner: Box::new(behaviour),
            need: need.clone(),
            auth: self.clone(),
        };
        let a = self.sys.spawn(g, opts)?;
        self.protect(a, need);
        Ok(a)
    }

    /// Checks a send. A send admitted under a fixed requirement is remembered (see
    /// [`Admitted`]), so the next send of the same set to the same actor costs a few
    /// comparisons instead of the table lookup, the requirement and the token scan.
    /// `Ok(Some(id))`: the set is pinned as `id`.
    fn admit(
        &self,
        caps: &CapSet,
        from: Option<ActorRef>,
        to: ActorRef,
        msg: &Message,
    ) -> Result<Option<PinnedId>, ActorError> {
        let version = self.version.load(Ordering::Acquire);
        let home = Admitted::home(caps, to);
        let seen = |a: &Admitted| {
            Arc::ptr_eq(&a.caps, caps)
                && a.to == to
                && a.version == version
                && a.authority == self.id
        };
        let remembered = ADMITTED.with(|m| {
            let mut m = m.try_borrow_mut().ok()?;
            let at = Admitted::find(&m, home, seen)?;
            let e = m[at].as_mut()?;
            if e.pinned.is_none() {
                e.hits = e.hits.saturating_add(1);
                if e.hits == PIN_AFTER {
                    e.pinned = self.sys.inner.pinned_caps.pin(caps);
                }
            }
            Some(e.pinned)
        });
        if let Some(pinned) = remembered {
            return Ok(pinned);
        }
        self.with_requirements(version, |map| {
            let need = map.get(&to);
            match need.and_then(|n| n.of(msg)) {
                Some(c) if !self.satisfies(caps, &c) => return Err(self.deny(from, to, &c)),
                _ => {}
            }
            if need.is_none_or(Requires::is_fixed) {
                ADMITTED.with(|m| {
                    if let Ok(mut m) = m.try_borrow_mut() {
                        let entry = Admitted {
                            authority: self.id,
                            version,
                            to,
                            caps: caps.clone(),
                            hits: 0,
                            pinned: None,
                        };
                        entry.remember(&mut m, home);
                    }
                });
            }
            Ok(None)
        })
    }

    pub(crate) fn deny(
        &self,
        from: Option<ActorRef>,
        to: ActorRef,
        need: &Capability,
    ) -> ActorError {
        let at = self.sys.now();
        self.audit.force_push(Denial {
            at,
            from,
            to,
            missing: need.to_string(),
        });
        self.sys.otp_event(OtpEvent::Denied {
            to,
            from,
            missing: need.to_string(),
            at,
        });
        ActorError::Forbidden {
            actor: to.id(),
            capability: need.to_string(),
        }
    }

    /// Casts with capabilities: `forbidden` (not delivered, audited) if `to` requires one
    /// `caps` does not grant.
    ///
    /// See [`Authority`] for an example.
    pub fn cast(&self, caps: &CapSet, to: ActorRef, msg: Message) -> Result<(), ActorError> {
        self.cast_as(caps, None, to, msg)
    }

    /// [`Authority::cast`] on behalf of actor `from` (the sender its envelope and a denial's
    /// audit entry name): for handlers that send outside a [`Context`], such as JS module
    /// behaviours, whose capabilities the bindings keep per handled message.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let a = auth.spawn_guarded(from_fn(|m, _| Ok(m)), Capability::new("x"), SpawnOptions::default()).unwrap();
    /// let me = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let none: CapSet = std::sync::Arc::new([]);
    /// assert!(auth.cast_as(&none, Some(me), a, Message::Empty).is_err());
    /// assert_eq!(auth.audit()[0].from, Some(me));
    /// ```
    pub fn cast_as(
        &self,
        caps: &CapSet,
        from: Option<ActorRef>,
        to: ActorRef,
        msg: Message,
    ) -> Result<(), ActorError> {
        let pinned = self.admit(caps, from, to, &msg)?;
        self.sys
            .inner
            .try_cast_caps(to, msg, from, Some(carried(caps, pinned)), None)
            .map_err(|(e, _)| e)
    }

    /// Whether `to`'s requirement is fixed (or it has none): a set admitted to it once stays
    /// admitted until requirements change. A sender in another thread (the page, in `st`) may
    /// then stop waiting for each answer.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let b = from_fn(|m, _| Ok(m));
    /// let fixed = auth.spawn_guarded(b, Capability::new("read"), SpawnOptions::default()).unwrap();
    /// let per_message = Requires::per_message(|_: &Message| Some(Capability::new("read")));
    /// let varies = auth.spawn_guarded(from_fn(|m, _| Ok(m)), per_message, SpawnOptions::default()).unwrap();
    /// assert!(auth.fixed_requirement(fixed));
    /// assert!(!auth.fixed_requirement(varies));
    /// ```
    pub fn fixed_requirement(&self, to: ActorRef) -> bool {
        let version = self.version.load(Ordering::Acquire);
        self.with_requirements(version, |map| map.get(&to).is_none_or(Requires::is_fixed))
    }

    /// Calls with capabilities (checked as [`Authority::cast`]).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let a = auth.spawn_guarded(from_fn(|m, _| Ok(m)), Capability::new("ping"), SpawnOptions::default()).unwrap();
    /// let caps: CapSet = std::sync::Arc::new([auth.issue(Capability::new("ping"))]);
    /// let r = auth.call(&caps, a, Message::Int(4), std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(4));
    /// ```
    pub fn call(
        &self,
        caps: &CapSet,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
    ) -> Result<CallHandle, ActorError> {
        self.call_as(caps, None, to, msg, timeout)
    }

    /// [`Authority::call`] on behalf of actor `from` (see [`Authority::cast_as`]).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let a = auth.spawn_guarded(from_fn(|m, _| Ok(m)), Capability::new("ping"), SpawnOptions::default()).unwrap();
    /// let me = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let caps: CapSet = std::sync::Arc::new([auth.issue(Capability::new("ping"))]);
    /// let r = auth.call_as(&caps, Some(me), a, Message::Int(4), std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(4));
    /// ```
    pub fn call_as(
        &self,
        caps: &CapSet,
        from: Option<ActorRef>,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
    ) -> Result<CallHandle, ActorError> {
        let pinned = self.admit(caps, from, to, &msg)?;
        let (handle, reply) = CallHandle::new(to.id());
        let caps = carried(caps, pinned);
        self.sys
            .inner
            .call_from_caps(to, msg, reply, (from, Some(caps)), timeout, None)?;
        Ok(handle)
    }

    /// From inside a handler: casts carrying the capabilities of the message being handled
    /// (propagation along call chains; none outside a guarded actor).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let a2 = auth.clone();
    /// let fwd = ex.system().spawn(from_fn(move |m, ctx| { a2.cast_from(ctx, a, m).ok(); Ok(Message::Empty) }), SpawnOptions::default()).unwrap();
    /// ex.system().cast(fwd, Message::Int(1)).unwrap();
    /// ```
    pub fn cast_from(
        &self,
        ctx: &mut Context<'_>,
        to: ActorRef,
        msg: Message,
    ) -> Result<(), ActorError> {
        let me = ctx.myself();
        let caps = self.admit_from(ctx, to, &msg)?;
        ctx.sys
            .try_cast_caps(to, msg, Some(me), Some(caps), ctx.local)
            .map_err(|(e, _)| e)
    }

    /// From inside a handler: calls carrying the current capabilities (see
    /// [`Authority::cast_from`]); the reply reaches `handle_reply`.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # use katalyst::actor::capability::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let a2 = auth.clone();
    /// let c = ex.system().spawn(from_fn(move |m, ctx| { a2.call_from(ctx, a, m, std::time::Duration::from_secs(1)).ok(); Ok(Message::Empty) }), SpawnOptions::default()).unwrap();
    /// ex.system().cast(c, Message::Int(1)).unwrap();
    /// ```
    pub fn call_from(
        &self,
        ctx: &mut Context<'_>,
        to: ActorRef,
        msg: Message,
        timeout: Duration,
    ) -> Result<RequestId, ActorError> {
        let caps = self.admit_from(ctx, to, &msg)?;
        ctx.call_with_caps(to, msg, timeout, Some(caps))
    }

    /// Checks a handler's send of the set its message carried (the empty set if none) and
    /// returns what the envelope carries.
    fn admit_from(
        &self,
        ctx: &Context<'_>,
        to: ActorRef,
        msg: &Message,
    ) -> Result<Carried, ActorError> {
        let pinned = &ctx.sys.pinned_caps;
        let (set, id) = match &ctx.caps {
            Some(c) => (pinned.resolve(c), c.pinned()),
            None => (pinned.get(PinnedSets::EMPTY), Some(PinnedSets::EMPTY)),
        };
        let id = self.admit(set, Some(ctx.myself()), to, msg)?.or(id);
        Ok(carried(set, id))
    }

    /// The latest denials, oldest first (at most [`AUDIT_CAPACITY`]).
    ///
    /// See [`Authority`] for an example.
    pub fn audit(&self) -> Vec<Denial> {
        let mut v = Vec::with_capacity(self.audit.len());
        while let Some(d) = self.audit.pop() {
            v.push(d);
        }
        for d in &v {
            self.audit.force_push(d.clone());
        }
        v
    }
}

/// What the envelope of an admitted send of `caps` carries: the index if it is pinned.
fn carried(caps: &CapSet, pinned: Option<PinnedId>) -> Carried {
    pinned.map_or_else(|| Carried::Shared(caps.clone()), Carried::Pinned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(version: u64, slot: u32) -> Admitted {
        Admitted {
            authority: 1,
            version,
            to: ActorRef::from_parts([0, slot, 1]),
            caps: Arc::new([]),
            hits: 0,
            pinned: None,
        }
    }

    fn has(table: &AdmittedTable, home: usize, e: &Admitted) -> bool {
        Admitted::find(table, home, |a| {
            Arc::ptr_eq(&a.caps, &e.caps) && a.to == e.to && a.version == e.version
        })
        .is_some()
    }

    #[test]
    fn admissions_that_share_a_home_entry_are_all_remembered() {
        let mut table: AdmittedTable = Default::default();
        let kept: Vec<Admitted> = (0..ADMITTED_ENTRIES as u32)
            .map(|slot| {
                let e = entry(7, slot);
                let probe = entry_like(&e.caps, 7, slot);
                e.remember(&mut table, 3);
                probe
            })
            .collect();
        for e in &kept {
            assert!(has(&table, 3, e), "slot {:?} forgotten", e.to);
        }
        // A ninth one takes the home entry: only the one there is forgotten.
        let ninth = entry(7, 99);
        let probe = entry_like(&ninth.caps, 7, 99);
        ninth.remember(&mut table, 3);
        assert!(has(&table, 3, &probe));
        assert_eq!(kept.iter().filter(|e| !has(&table, 3, e)).count(), 1);
    }

    #[test]
    fn entries_of_an_older_version_are_reused_first() {
        let mut table: AdmittedTable = Default::default();
        for slot in 0..ADMITTED_ENTRIES as u32 {
            entry(if slot == 5 { 6 } else { 7 }, slot).remember(&mut table, 0);
        }
        let e = entry(7, 42);
        let probe = entry_like(&e.caps, 7, 42);
        e.remember(&mut table, 0);
        // Stored where the version-6 entry was: the other seven, all current, are still there.
        assert!(has(&table, 0, &probe));
        assert!(table.iter().flatten().all(|a| a.version == 7));
    }

    fn entry_like(caps: &CapSet, version: u64, slot: u32) -> Admitted {
        Admitted {
            caps: caps.clone(),
            ..entry(version, slot)
        }
    }
}
