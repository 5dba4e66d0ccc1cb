//! Pools: a group of identical actors behind one handle, with a routing strategy
//! (`round-robin`, `least-loaded`, `capability`, `affinity`, `predictive`), adaptive sizing from
//! a load forecast, and canary releases of a new behaviour version.
//!
//! Routing happens at the sender, without locks (the member list is copy-on-write); resizing
//! and canaries take a control lock.
//!
//! ```
//! use katalyst::actor::*;
//! use katalyst::actor::pool::*;
//! let ex = NativeExecutor::start(Config::default()).unwrap();
//! let make: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
//! let pool = Pool::new(ex.system(), make, PoolSpec { size: 3, ..PoolSpec::default() }).unwrap();
//! for i in 0..30 { pool.cast(Message::Int(i)).unwrap(); }
//! let r = pool.call(Message::Int(7), std::time::Duration::from_secs(5)).unwrap().wait();
//! assert_eq!(r.unwrap().as_int(), Some(7));
//! assert_eq!(pool.members().len(), 3);
//! ```

mod forecast;
mod rendezvous;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use arc_swap::ArcSwap;

pub use forecast::{Ewma, ForecastPoint};
pub use rendezvous::{key_hash, rendezvous};

use super::capability::{Authority, CapSet, Requires};
use super::{
    ActorError, ActorRef, Behaviour, CallHandle, ExitReason, Message, SpawnOptions, System,
};

/// Makes one member's behaviour.
pub type Factory = Arc<dyn Fn() -> Box<dyn Behaviour> + Send + Sync>;

/// How a pool picks the member for a message.
///
/// ```
/// assert_eq!(katalyst::actor::pool::Routing::default(), katalyst::actor::pool::Routing::RoundRobin);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Routing {
    /// Each member in turn.
    #[default]
    RoundRobin,
    /// The member with the shortest mailbox.
    LeastLoaded,
    /// Only members holding the capability the message requires (in turn among them).
    Capability,
    /// A key always reaches the same member (rendezvous hashing; stable under resizing).
    Affinity,
    /// The member with the lowest forecast completion time: (queue + 1) × EWMA service time.
    Predictive,
}

/// A pool's shape.
///
/// ```
/// let s = katalyst::actor::pool::PoolSpec { size: 4, min: 2, max: 8, ..Default::default() };
/// assert_eq!(s.routing, katalyst::actor::pool::Routing::RoundRobin);
/// ```
#[derive(Clone, Debug)]
pub struct PoolSpec {
    /// Members at start.
    pub size: usize,
    /// Fewest members adaptive sizing keeps.
    pub min: usize,
    /// Most members adaptive sizing adds.
    pub max: usize,
    /// Routing strategy.
    pub routing: Routing,
    /// Target utilisation per member for adaptive sizing (0 to 1).
    pub target_utilization: f64,
    /// Mailbox bound of each member.
    pub mailbox_capacity: Option<usize>,
}

impl Default for PoolSpec {
    fn default() -> Self {
        PoolSpec {
            size: 2,
            min: 1,
            max: 16,
            routing: Routing::RoundRobin,
            target_utilization: 0.7,
            mailbox_capacity: None,
        }
    }
}

/// One member as routing sees it.
struct Member {
    /// Stable id for rendezvous hashing.
    id: u64,
    actor: ActorRef,
    version: u32,
    canary: bool,
    caps: CapSet,
    /// EWMA of service time in ns, as f64 bits (0: unknown).
    ewma_ns: AtomicU64,
    seen_processed: AtomicU64,
    seen_service: AtomicU64,
    /// Messages this pool routed to it (shared across rebuilds of the entry).
    sent: Arc<AtomicU64>,
}

/// A member's figures.
///
/// See [`Pool::stats`] for an example.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberStats {
    /// The actor.
    pub actor: ActorRef,
    /// Behaviour version it runs.
    pub version: u32,
    /// Whether it is part of a canary.
    pub canary: bool,
    /// Mailbox length now.
    pub mailbox_len: usize,
    /// EWMA of its service time.
    pub ewma_service: Duration,
}

/// A pool's figures.
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::pool::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let make: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
/// let pool = Pool::new(ex.system(), make, PoolSpec { size: 2, min: 2, ..Default::default() }).unwrap();
/// pool.autoscale(); // forecasts the next interval (no traffic yet: stays at `min`)
/// pool.autoscale(); // records that forecast against what happened, forecasts again
/// let s = pool.stats();
/// assert_eq!(s.members.len(), 2);
/// assert_eq!(s.forecasts.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PoolStats {
    /// Members now.
    pub members: Vec<MemberStats>,
    /// Messages routed so far.
    pub routed: u64,
    /// Per autoscale step: the forecast against what then happened (latest 256).
    pub forecasts: Vec<ForecastPoint>,
    /// Share of messages routed to the canary, in percent (`None`: no canary).
    pub canary_percent: Option<u32>,
}

struct Control {
    factory: Factory,
    version: u32,
    canary_factory: Option<Factory>,
    retiring: Vec<ActorRef>,
    rate: Ewma,
    last_tick_ns: u64,
    last_routed: u64,
    pending_forecast: Option<(f64, usize)>,
    forecasts: Vec<ForecastPoint>,
    member_caps: CapSet,
}

/// A pool of actors (see the module documentation).
pub struct Pool {
    sys: System,
    spec: PoolSpec,
    members: ArcSwap<Vec<Arc<Member>>>,
    next_id: AtomicU64,
    rr: AtomicUsize,
    routed: AtomicU64,
    canary_percent: AtomicU64,
    canary_seq: AtomicU64,
    capability: Option<(Arc<Authority>, Requires)>,
    /// Control operations (resize, autoscale, canary) from one thread at a time; the browser
    /// main thread must not contend for it (DESIGN §5): the bindings call them from it only.
    control: Mutex<Control>,
    /// Published by `autoscale` for `stats` (read without the control lock).
    forecasts: ArcSwap<Vec<ForecastPoint>>,
}

impl Pool {
    /// Starts `spec.size` members (at least 1).
    ///
    /// See the module documentation for an example.
    pub fn new(sys: &System, factory: Factory, spec: PoolSpec) -> Result<Arc<Pool>, ActorError> {
        Self::build(sys, factory, spec, None, Arc::new([]))
    }

    /// A pool routing by capability: a message goes only to members whose `member_caps`
    /// grant what `need` says it requires (`forbidden` if none does). Members added later get
    /// `member_caps` too; [`Pool::set_member_caps`] gives one member its own set.
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::pool::*;
    /// use katalyst::actor::capability::*;
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let auth = Authority::new(ex.system(), Hierarchy::default()).unwrap();
    /// let make: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
    /// let spec = PoolSpec { size: 2, routing: Routing::Capability, ..Default::default() };
    /// let gpu_only = Capability::new("gpu");
    /// let pool = Pool::with_capabilities(ex.system(), make, spec, auth.clone(), gpu_only, std::sync::Arc::new([])).unwrap();
    /// assert!(pool.cast(Message::Int(1)).is_err());
    /// let gpu: CapSet = std::sync::Arc::new([auth.issue(Capability::new("gpu"))]);
    /// pool.set_member_caps(pool.members()[1], gpu);
    /// pool.cast(Message::Int(1)).unwrap();
    /// ```
    pub fn with_capabilities(
        sys: &System,
        factory: Factory,
        spec: PoolSpec,
        auth: Arc<Authority>,
        need: impl Into<Requires>,
        member_caps: CapSet,
    ) -> Result<Arc<Pool>, ActorError> {
        Self::build(sys, factory, spec, Some((auth, need.into())), member_caps)
    }

    fn build(
        sys: &System,
        factory: Factory,
        spec: PoolSpec,
        capability: Option<(Arc<Authority>, Requires)>,
        member_caps: CapSet,
    ) -> Result<Arc<Pool>, ActorError> {
        let size = spec.size.max(1);
        let pool = Arc::new(Pool {
            sys: sys.clone(),
            members: ArcSwap::from_pointee(Vec::new()),
            next_id: AtomicU64::new(1),
            rr: AtomicUsize::new(0),
            routed: AtomicU64::new(0),
            canary_percent: AtomicU64::new(0),
            canary_seq: AtomicU64::new(0),
            capability,
            forecasts: ArcSwap::from_pointee(Vec::new()),
            control: Mutex::new(Control {
                factory,
                version: 1,
                canary_factory: None,
                retiring: Vec::new(),
                rate: Ewma::new(0.5),
                last_tick_ns: sys.now().as_nanos() as u64,
                last_routed: 0,
                pending_forecast: None,
                forecasts: Vec::new(),
                member_caps,
            }),
            spec,
        });
        {
            let mut c = pool.lock();
            for _ in 0..size {
                pool.add_member(&mut c, false)?;
            }
        }
        Ok(pool)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Control> {
        self.control.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn add_member(&self, c: &mut Control, canary: bool) -> Result<ActorRef, ActorError> {
        let (factory, version) = match (&c.canary_factory, canary) {
            (Some(f), true) => (f.clone(), c.version + 1),
            _ => (c.factory.clone(), c.version),
        };
        let opts = SpawnOptions {
            mailbox_capacity: self.spec.mailbox_capacity,
            ..SpawnOptions::default()
        };
        let actor = self.sys.spawn(factory(), opts)?;
        let m = Arc::new(Member {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            actor,
            version,
            canary,
            caps: c.member_caps.clone(),
            ewma_ns: AtomicU64::new(0),
            seen_processed: AtomicU64::new(0),
            seen_service: AtomicU64::new(0),
            sent: Arc::new(AtomicU64::new(0)),
        });
        self.members.rcu(|v| {
            let mut v = Vec::clone(v);
            v.push(m.clone());
            v
        });
        Ok(actor)
    }

    fn retire_where(&self, c: &mut Control, pred: impl Fn(&Member) -> bool) {
        let mut gone = Vec::new();
        self.members.rcu(|v| {
            gone.clear();
            let (out, keep): (Vec<_>, Vec<_>) = v.iter().cloned().partition(|m| pred(m));
            gone.extend(out.into_iter().map(|m| m.actor));
            keep
        });
        c.retiring.extend(gone);
        self.reap(c);
    }

    /// Stops retired members whose mailbox is empty (no queued message is dropped).
    fn reap(&self, c: &mut Control) {
        let sys = &self.sys;
        c.retiring.retain(|&a| match sys.load_of(a) {
            Some((0, _, _)) => {
                let _ = sys.stop(a, ExitReason::Shutdown);
                false
            }
            Some(_) => true,
            None => false,
        });
    }

    /// The members' actors, in the order added.
    ///
    /// See the module documentation for an example.
    pub fn members(&self) -> Vec<ActorRef> {
        self.members.load().iter().map(|m| m.actor).collect()
    }

    /// Gives one member its own capability set (capability routing).
    ///
    /// See [`Pool::with_capabilities`] for an example.
    pub fn set_member_caps(&self, actor: ActorRef, caps: CapSet) {
        self.members.rcu(|v| {
            v.iter()
                .map(|m| {
                    if m.actor != actor {
                        return m.clone();
                    }
                    Arc::new(Member {
                        id: m.id,
                        actor: m.actor,
                        version: m.version,
                        canary: m.canary,
                        caps: caps.clone(),
                        ewma_ns: AtomicU64::new(m.ewma_ns.load(Ordering::Relaxed)),
                        seen_processed: AtomicU64::new(m.seen_processed.load(Ordering::Relaxed)),
                        seen_service: AtomicU64::new(m.seen_service.load(Ordering::Relaxed)),
                        sent: m.sent.clone(),
                    })
                })
                .collect::<Vec<_>>()
        });
    }

    /// Picks the member for `msg` (and `key`, for affinity).
    fn route(&self, msg: &Message, key: Option<u64>) -> Result<ActorRef, ActorError> {
        let all = self.members.load();
        self.routed.fetch_add(1, Ordering::Relaxed);
        // Canary split first (exact share: message n goes to the canary when
        // floor(n·p/100) steps up), then the strategy within the chosen group.
        let pct = self.canary_percent.load(Ordering::Relaxed);
        let group: Vec<&Arc<Member>>;
        let members: Vec<&Arc<Member>> = if pct > 0 && all.iter().any(|m| m.canary) {
            let n = self.canary_seq.fetch_add(1, Ordering::Relaxed) + 1;
            let to_canary = (n * pct) / 100 != ((n - 1) * pct) / 100;
            group = all.iter().filter(|m| m.canary == to_canary).collect();
            group
        } else {
            all.iter().collect()
        };
        let members: Vec<&Arc<Member>> = match (&self.capability, self.spec.routing) {
            (Some((auth, need)), Routing::Capability) => match need.of(msg) {
                Some(cap) => {
                    let ok: Vec<_> = members
                        .into_iter()
                        .filter(|m| auth.satisfies(&m.caps, &cap))
                        .collect();
                    if ok.is_empty() {
                        let first = all
                            .first()
                            .map(|m| m.actor)
                            .unwrap_or(ActorRef::from_parts([0, 0, 0]));
                        return Err(auth.deny(None, first, &cap));
                    }
                    ok
                }
                None => members,
            },
            _ => members,
        };
        let none = || ActorError::NoProc {
            actor: ActorRef::from_parts([0, 0, 0]).id(),
        };
        if members.is_empty() {
            return Err(none());
        }
        let pick = match self.spec.routing {
            Routing::RoundRobin | Routing::Capability => {
                self.rr.fetch_add(1, Ordering::Relaxed) % members.len()
            }
            Routing::Affinity => {
                let k = key.unwrap_or_else(|| self.rr.fetch_add(1, Ordering::Relaxed) as u64);
                let ids: Vec<u64> = members.iter().map(|m| m.id).collect();
                rendezvous(k, &ids).unwrap_or(0)
            }
            Routing::LeastLoaded => {
                let start = self.rr.fetch_add(1, Ordering::Relaxed);
                let n = members.len();
                (0..n)
                    .map(|i| (start + i) % n)
                    .min_by_key(|&i| self.outstanding(members[i]))
                    .unwrap_or(0)
            }
            Routing::Predictive => {
                let start = self.rr.fetch_add(1, Ordering::Relaxed);
                let n = members.len();
                let known: Vec<f64> = members.iter().map(|m| self.refresh(m)).collect();
                let mean = {
                    let k: Vec<f64> = known.iter().copied().filter(|v| *v > 0.0).collect();
                    if k.is_empty() {
                        1.0
                    } else {
                        k.iter().sum::<f64>() / k.len() as f64
                    }
                };
                let est: Vec<f64> = (0..n)
                    .map(|i| {
                        let q = self.outstanding(members[i]) as f64;
                        let s = if known[i] > 0.0 { known[i] } else { mean };
                        // The job waits for those outstanding, then is served itself.
                        (q + 1.0) * s
                    })
                    .collect();
                (0..n)
                    .map(|i| (start + i) % n)
                    .min_by(|&a, &b| est[a].total_cmp(&est[b]))
                    .unwrap_or(0)
            }
        };
        let m = members.get(pick).ok_or_else(none)?;
        m.sent.fetch_add(1, Ordering::Relaxed);
        Ok(m.actor)
    }

    /// Messages routed to `m` and not yet handled (queued or in progress), at least its
    /// mailbox length.
    fn outstanding(&self, m: &Member) -> usize {
        match self.sys.load_of(m.actor) {
            Some((len, processed, _)) => {
                let sent = m.sent.load(Ordering::Relaxed);
                (sent.saturating_sub(processed) as usize).max(len)
            }
            None => usize::MAX,
        }
    }

    /// Updates a member's service-time EWMA from the runtime's counters; returns it (ns).
    fn refresh(&self, m: &Member) -> f64 {
        let ewma = f64::from_bits(m.ewma_ns.load(Ordering::Relaxed));
        let Some((_, processed, service)) = self.sys.load_of(m.actor) else {
            return ewma;
        };
        // The runtime adds service time at the end of a turn (and before replies), while
        // `processed` counts every message: sample only once the time has caught up.
        let s0 = m.seen_service.load(Ordering::Relaxed);
        if service <= s0 {
            return ewma;
        }
        m.seen_service.store(service, Ordering::Relaxed);
        let p0 = m.seen_processed.swap(processed, Ordering::Relaxed);
        if processed > p0 {
            let sample = service.saturating_sub(s0) as f64 / (processed - p0) as f64;
            let next = if ewma > 0.0 {
                0.3 * sample + 0.7 * ewma
            } else {
                sample
            };
            m.ewma_ns.store(next.to_bits(), Ordering::Relaxed);
            return next;
        }
        ewma
    }

    /// A lower bound on `m`'s service time per message from the turn it is running: the
    /// time that turn has not reported yet over the messages it covers, the one in hand
    /// included (0 between turns). Members busy with long handlers report nothing until those
    /// end; without this, a pool whose members are all inside such handlers would not grow.
    fn running_service(&self, m: &Member) -> f64 {
        match self.sys.serving(m.actor) {
            Some((ns, finished)) => ns as f64 / (finished + 1) as f64,
            None => 0.0,
        }
    }

    /// Sends to the member the strategy picks (`noproc` if that member just died: it is
    /// replaced and the send retried once).
    ///
    /// See the module documentation for an example.
    pub fn cast(&self, msg: Message) -> Result<(), ActorError> {
        self.send(None, msg)
    }

    /// Sends with an affinity key (the same key reaches the same member while it lives).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::pool::*;
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let make: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
    /// let pool = Pool::new(ex.system(), make, PoolSpec { size: 4, routing: Routing::Affinity, ..Default::default() }).unwrap();
    /// assert_eq!(pool.member_for_key(b"user:7"), pool.member_for_key(b"user:7"));
    /// pool.cast_keyed(b"user:7", Message::Int(1)).unwrap();
    /// ```
    pub fn cast_keyed(&self, key: &[u8], msg: Message) -> Result<(), ActorError> {
        self.send(Some(key_hash(key)), msg)
    }

    /// The member `key` reaches under affinity routing (ignores canaries).
    ///
    /// See [`Pool::cast_keyed`] for an example.
    pub fn member_for_key(&self, key: &[u8]) -> Option<ActorRef> {
        let all = self.members.load();
        let ids: Vec<u64> = all.iter().map(|m| m.id).collect();
        rendezvous(key_hash(key), &ids)
            .and_then(|i| all.get(i))
            .map(|m| m.actor)
    }

    fn send(&self, key: Option<u64>, msg: Message) -> Result<(), ActorError> {
        let to = self.route(&msg, key)?;
        self.sys.cast(to, msg)
    }

    /// Calls the member the strategy picks.
    ///
    /// See the module documentation for an example.
    pub fn call(&self, msg: Message, timeout: Duration) -> Result<CallHandle, ActorError> {
        let to = self.route(&msg, None)?;
        self.sys.call(to, msg, timeout)
    }

    /// Adds members up to `n` or retires the newest down to `n` (retired members finish their
    /// queued messages first).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::pool::*;
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let make: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
    /// let pool = Pool::new(ex.system(), make, PoolSpec::default()).unwrap();
    /// pool.resize(5).unwrap();
    /// assert_eq!(pool.members().len(), 5);
    /// pool.resize(1).unwrap();
    /// assert_eq!(pool.members().len(), 1);
    /// ```
    pub fn resize(&self, n: usize) -> Result<(), ActorError> {
        let mut c = self.lock();
        self.resize_locked(&mut c, n.max(1))
    }

    fn resize_locked(&self, c: &mut Control, n: usize) -> Result<(), ActorError> {
        let now = self.members.load().iter().filter(|m| !m.canary).count();
        if n > now {
            for _ in now..n {
                self.add_member(c, false)?;
            }
        } else if n < now {
            let ids: Vec<u64> = self
                .members
                .load()
                .iter()
                .filter(|m| !m.canary)
                .map(|m| m.id)
                .rev()
                .take(now - n)
                .collect();
            self.retire_where(c, |m| ids.contains(&m.id));
        }
        self.reap(c);
        Ok(())
    }

    /// One adaptive-sizing step (call it periodically, e.g. every 100 ms-1 s): measures the
    /// arrival rate since the last step, records it against the forecast made then, forecasts
    /// the next interval (EWMA of rates) and sizes the pool to
    /// `ceil(forecast rate × mean service time / target utilisation)`, within `min..=max`.
    /// A member's service time is its EWMA, or more if the turn it is running has already
    /// taken longer per message (so members stuck in long handlers count while they run).
    /// Returns the new size.
    ///
    /// See [`PoolStats`] for an example.
    pub fn autoscale(&self) -> usize {
        let mut c = self.lock();
        let now = self.sys.now().as_nanos() as u64;
        let dt = now.saturating_sub(c.last_tick_ns).max(1) as f64 / 1e9;
        let routed = self.routed.load(Ordering::Relaxed);
        let actual = routed.saturating_sub(c.last_routed) as f64 / dt;
        c.last_tick_ns = now;
        c.last_routed = routed;
        if let Some((forecast_rate, size)) = c.pending_forecast.take() {
            c.forecasts.push(ForecastPoint {
                forecast_rate,
                actual_rate: actual,
                size,
            });
            if c.forecasts.len() > 256 {
                c.forecasts.remove(0);
            }
            self.forecasts.store(Arc::new(c.forecasts.clone()));
        }
        c.rate.add(actual);
        let forecast = c.rate.value().unwrap_or(0.0);
        let members = self.members.load();
        let services: Vec<f64> = members
            .iter()
            .map(|m| self.refresh(m).max(self.running_service(m)))
            .filter(|s| *s > 0.0)
            .collect();
        let service_s = if services.is_empty() {
            0.0
        } else {
            services.iter().sum::<f64>() / services.len() as f64 / 1e9
        };
        let util = self.spec.target_utilization.clamp(0.05, 1.0);
        let want = (forecast * service_s / util).ceil() as usize;
        let size = want.clamp(
            self.spec.min.max(1),
            self.spec.max.max(self.spec.min.max(1)),
        );
        let _ = self.resize_locked(&mut c, size);
        c.pending_forecast = Some((forecast, size));
        size
    }

    /// Starts a canary: members running `factory` (version + 1) receive `percent` % of the
    /// messages. [`Pool::promote`] or [`Pool::rollback`] finishes it.
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::pool::*;
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let v1: Factory = std::sync::Arc::new(|| Box::new(from_fn(|_m, _| Ok(Message::Int(1)))) as Box<dyn Behaviour>);
    /// let v2: Factory = std::sync::Arc::new(|| Box::new(from_fn(|_m, _| Ok(Message::Int(2)))) as Box<dyn Behaviour>);
    /// let pool = Pool::new(ex.system(), v1, PoolSpec::default()).unwrap();
    /// pool.canary(v2, 100).unwrap();
    /// let r = pool.call(Message::Empty, std::time::Duration::from_secs(5)).unwrap().wait();
    /// assert_eq!(r.unwrap().as_int(), Some(2));
    /// pool.promote().unwrap();
    /// assert!(pool.stats().members.iter().all(|m| m.version == 2));
    /// ```
    pub fn canary(&self, factory: Factory, percent: u32) -> Result<(), ActorError> {
        let mut c = self.lock();
        self.retire_where(&mut c, |m| m.canary);
        c.canary_factory = Some(factory);
        let size = self.members.load().len();
        let n = (size * percent.min(100) as usize).div_ceil(100).max(1);
        for _ in 0..n {
            self.add_member(&mut c, true)?;
        }
        self.canary_seq.store(0, Ordering::Relaxed);
        self.canary_percent
            .store(u64::from(percent.min(100)), Ordering::Relaxed);
        Ok(())
    }

    /// Makes the canary version the pool's: the old members are retired, new ones take
    /// their place.
    ///
    /// See [`Pool::canary`] for an example.
    pub fn promote(&self) -> Result<(), ActorError> {
        let mut c = self.lock();
        let Some(f) = c.canary_factory.take() else {
            return Ok(());
        };
        let size = self
            .members
            .load()
            .iter()
            .filter(|m| !m.canary)
            .count()
            .max(1);
        c.factory = f;
        c.version += 1;
        self.canary_percent.store(0, Ordering::Relaxed);
        self.retire_where(&mut c, |_| true);
        for _ in 0..size {
            self.add_member(&mut c, false)?;
        }
        Ok(())
    }

    /// Ends the canary: its members are retired; all traffic returns to the current version.
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::pool::*;
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let v: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
    /// let pool = Pool::new(ex.system(), v.clone(), PoolSpec::default()).unwrap();
    /// pool.canary(v, 10).unwrap();
    /// pool.rollback();
    /// assert!(pool.stats().members.iter().all(|m| !m.canary && m.version == 1));
    /// ```
    pub fn rollback(&self) {
        let mut c = self.lock();
        c.canary_factory = None;
        self.canary_percent.store(0, Ordering::Relaxed);
        self.retire_where(&mut c, |m| m.canary);
    }

    /// Members, routing count, forecasts and canary share.
    ///
    /// See [`PoolStats`] for an example.
    pub fn stats(&self) -> PoolStats {
        let pct = self.canary_percent.load(Ordering::Relaxed);
        PoolStats {
            members: self
                .members
                .load()
                .iter()
                .map(|m| MemberStats {
                    actor: m.actor,
                    version: m.version,
                    canary: m.canary,
                    mailbox_len: self.sys.load_of(m.actor).map_or(0, |l| l.0),
                    ewma_service: Duration::from_nanos(f64::from_bits(
                        m.ewma_ns.load(Ordering::Relaxed),
                    ) as u64),
                })
                .collect(),
            routed: self.routed.load(Ordering::Relaxed),
            forecasts: Vec::clone(&self.forecasts.load()),
            canary_percent: (pct > 0).then_some(pct as u32),
        }
    }

    /// Stops every member (and retired ones).
    ///
    /// ```
    /// use katalyst::actor::*;
    /// use katalyst::actor::pool::*;
    /// let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let v: Factory = std::sync::Arc::new(|| Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>);
    /// let pool = Pool::new(ex.system(), v, PoolSpec::default()).unwrap();
    /// pool.shutdown();
    /// assert!(pool.members().is_empty());
    /// ```
    pub fn shutdown(&self) {
        let mut c = self.lock();
        let all = self.members.swap(Arc::new(Vec::new()));
        for m in all.iter() {
            let _ = self.sys.stop(m.actor, ExitReason::Shutdown);
        }
        for a in c.retiring.drain(..) {
            let _ = self.sys.stop(a, ExitReason::Shutdown);
        }
    }
}
