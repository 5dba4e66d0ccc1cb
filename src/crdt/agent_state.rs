//! An agent's replicated state: skill scores and an append-only episode log.

use super::codec::{tag, Reader, Writer};
use super::crdt_trait::Crdt;
use super::dots::Dot;
use super::element::{check_ascending, Element};
use super::error::CrdtError;
use super::hlc::Timestamp;
use super::lww_map::LWWMap;
use super::value::Value;
use super::vclock::VClock;
use super::ReplicaId;
use sha2::{Digest, Sha384};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// A skill score: a number in [0, 1].
///
/// ```
/// assert!(katalyst::crdt::Score::new(0.5).is_ok());
/// assert!(katalyst::crdt::Score::new(1.5).is_err());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Score(f64);

impl Score {
    /// A score, refusing values outside [0, 1] and NaN.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Score::new(1.0).unwrap().get(), 1.0);
    /// ```
    pub fn new(v: f64) -> Result<Score, CrdtError> {
        if (0.0..=1.0).contains(&v) {
            // -0 is folded into 0 so equal scores encode equally.
            Ok(Score(if v == 0.0 { 0.0 } else { v }))
        } else {
            Err(CrdtError::BadScore { value: v })
        }
    }
    /// The number.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::Score::new(0.25).unwrap().get(), 0.25);
    /// ```
    pub fn get(self) -> f64 {
        self.0
    }
}

impl PartialEq for Score {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Score {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}

impl Element for Score {
    fn encode(&self, w: &mut Writer) {
        w.raw(&self.0.to_le_bytes());
    }
    fn decode(r: &mut Reader) -> Result<Self, CrdtError> {
        let at = r.pos();
        let v = r.f64("score")?;
        if v.to_bits() == (-0.0f64).to_bits() {
            return Err(CrdtError::malformed(at, "score -0 is not canonical"));
        }
        Score::new(v).map_err(|_| CrdtError::malformed(at, format!("score {v} outside [0, 1]")))
    }
}

/// A skill as read back: its score, when it was set and by which replica.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Skill {
    /// The score in [0, 1].
    pub score: f64,
    /// When it was last set.
    pub timestamp: Timestamp,
    /// Which replica set it.
    pub replica: ReplicaId,
}

/// An agent's state: skills (an LWW map name → score in [0, 1]) and an append-only episode
/// log keyed by (replica, sequence), sequences counting from 1 per replica.
///
/// ```
/// use katalyst::crdt::{AgentState, Crdt, Value};
/// let mut a = AgentState::default();
/// a.set_skill(1, "search", 0.8, 1000).unwrap();
/// let d = a.append_episode(1, Value::from("solved task 1"));
/// let mut b = AgentState::default();
/// b.merge(&a);
/// assert_eq!(b.fingerprint(), a.fingerprint());
/// assert_eq!(d.episodes().count(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AgentState {
    skills: LWWMap<Score>,
    episodes: BTreeMap<Dot, Value>,
}

const FINGERPRINT_DOMAIN: &[u8] = b"katalyst.agent-state.v1";

impl AgentState {
    /// Sets a skill's score at wall time `now_ms`; returns the delta.
    ///
    /// ```
    /// let mut a = katalyst::crdt::AgentState::default();
    /// assert!(a.set_skill(1, "x", 2.0, 0).is_err());
    /// ```
    pub fn set_skill(
        &mut self,
        replica: ReplicaId,
        name: &str,
        score: f64,
        now_ms: u64,
    ) -> Result<AgentState, CrdtError> {
        let s = Score::new(score)?;
        Ok(AgentState {
            skills: self.skills.set(replica, name, s, now_ms),
            episodes: BTreeMap::new(),
        })
    }
    /// Removes a skill; returns the delta.
    ///
    /// ```
    /// let mut a = katalyst::crdt::AgentState::default();
    /// a.set_skill(1, "x", 0.5, 0).unwrap();
    /// a.remove_skill(1, "x", 0);
    /// assert!(a.skill("x").is_none());
    /// ```
    pub fn remove_skill(&mut self, replica: ReplicaId, name: &str, now_ms: u64) -> AgentState {
        AgentState {
            skills: self.skills.delete(replica, name, now_ms),
            episodes: BTreeMap::new(),
        }
    }
    /// Appends an episode at the next sequence number of `replica`; returns the delta.
    ///
    /// ```
    /// let mut a = katalyst::crdt::AgentState::default();
    /// a.append_episode(2, katalyst::crdt::Value::Null);
    /// assert_eq!(a.episodes().next().unwrap().0, (2, 1));
    /// ```
    pub fn append_episode(&mut self, replica: ReplicaId, episode: Value) -> AgentState {
        let seq = self
            .episodes
            .range(Dot::new(replica, 0)..=Dot::new(replica, u64::MAX))
            .next_back()
            .map_or(1, |(d, _)| d.counter.saturating_add(1));
        let dot = Dot::new(replica, seq);
        self.episodes.insert(dot, episode.clone());
        AgentState {
            skills: LWWMap::default(),
            episodes: BTreeMap::from([(dot, episode)]),
        }
    }
    /// One skill.
    ///
    /// ```
    /// let mut a = katalyst::crdt::AgentState::default();
    /// a.set_skill(1, "x", 0.5, 9).unwrap();
    /// assert_eq!(a.skill("x").unwrap().score, 0.5);
    /// ```
    pub fn skill(&self, name: &str) -> Option<Skill> {
        let e = self.skills.entry(name)?;
        e.value.map(|s| Skill {
            score: s.get(),
            timestamp: e.ts,
            replica: e.dot.replica,
        })
    }
    /// Live skills in name order.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::AgentState::default().skills().count(), 0);
    /// ```
    pub fn skills(&self) -> impl Iterator<Item = (&str, Skill)> {
        self.skills.entries().filter_map(|(k, e)| {
            e.value.map(|s| {
                (
                    k,
                    Skill {
                        score: s.get(),
                        timestamp: e.ts,
                        replica: e.dot.replica,
                    },
                )
            })
        })
    }
    /// Episodes in (replica, sequence) order.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::AgentState::default().episodes().count(), 0);
    /// ```
    pub fn episodes(&self) -> impl Iterator<Item = ((ReplicaId, u64), &Value)> {
        self.episodes
            .iter()
            .map(|(d, v)| ((d.replica, d.counter), v))
    }
    /// Skill tombstones not yet collected.
    ///
    /// ```
    /// assert_eq!(katalyst::crdt::AgentState::default().tombstones(), 0);
    /// ```
    pub fn tombstones(&self) -> usize {
        self.skills.tombstones()
    }

    /// SHA-384 of the agent's content, so replicas can check they agree.
    ///
    /// The hashed bytes: every length and integer is an unsigned 64-bit big-endian number.
    /// `len(domain) ‖ "katalyst.agent-state.v1"`, `count(skills)`, then per live skill in
    /// name byte order `len(name) ‖ name ‖ score as IEEE-754 binary64 big-endian`, then
    /// `count(episodes)` and per episode in (replica, sequence) order
    /// `replica ‖ sequence ‖ len(v) ‖ v` where `v` is the episode's canonical codec encoding.
    /// Timestamps and removal metadata are not hashed.
    ///
    /// ```
    /// let a = katalyst::crdt::AgentState::default();
    /// assert_eq!(a.fingerprint().len(), 48);
    /// ```
    pub fn fingerprint(&self) -> [u8; 48] {
        let mut h = Sha384::new();
        let len = |h: &mut Sha384, n: usize| h.update((n as u64).to_be_bytes());
        len(&mut h, FINGERPRINT_DOMAIN.len());
        h.update(FINGERPRINT_DOMAIN);
        let skills: Vec<(&str, Skill)> = self.skills().collect();
        len(&mut h, skills.len());
        for (name, s) in skills {
            len(&mut h, name.len());
            h.update(name.as_bytes());
            h.update(s.score.to_bits().to_be_bytes());
        }
        len(&mut h, self.episodes.len());
        for (d, v) in &self.episodes {
            h.update(d.replica.to_be_bytes());
            h.update(d.counter.to_be_bytes());
            let mut w = Writer::default();
            v.encode(&mut w);
            let b = w.into_bytes();
            len(&mut h, b.len());
            h.update(&b);
        }
        let mut out = [0u8; 48];
        out.copy_from_slice(&h.finalize());
        out
    }

    fn episode_version(&self) -> VClock {
        let mut v = VClock::default();
        let mut cur: Option<(ReplicaId, u64)> = None;
        for d in self.episodes.keys() {
            match cur {
                Some((r, n)) if r == d.replica => {
                    if d.counter == n + 1 {
                        cur = Some((r, d.counter));
                    }
                }
                _ => {
                    if let Some((r, n)) = cur {
                        v.observe(r, n);
                    }
                    cur = if d.counter == 1 {
                        Some((d.replica, 1))
                    } else {
                        Some((d.replica, 0))
                    };
                }
            }
        }
        if let Some((r, n)) = cur {
            v.observe(r, n);
        }
        v
    }
}

impl Crdt for AgentState {
    const TAG: u8 = tag::AGENT_STATE;
    const NAME: &'static str = "AgentState";
    fn merge(&mut self, other: &Self) {
        self.skills.merge(&other.skills);
        for (d, v) in &other.episodes {
            match self.episodes.get_mut(d) {
                // Keys are unique per (replica, sequence); keep the larger on a (buggy) clash so
                // the join stays deterministic.
                Some(mine) => {
                    if *v > *mine {
                        *mine = v.clone();
                    }
                }
                None => {
                    self.episodes.insert(*d, v.clone());
                }
            }
        }
    }
    fn replicas(&self) -> std::collections::BTreeSet<ReplicaId> {
        let mut r: std::collections::BTreeSet<ReplicaId> = self.skills.ctx().replicas().collect();
        r.extend(self.episodes.keys().map(|d| d.replica));
        r
    }
    fn merge_owned(&mut self, other: Self) {
        self.skills.merge_owned(other.skills);
        for (d, v) in other.episodes {
            match self.episodes.get_mut(&d) {
                Some(mine) => {
                    if v > *mine {
                        *mine = v;
                    }
                }
                None => {
                    self.episodes.insert(d, v);
                }
            }
        }
    }
    fn versions(&self) -> Vec<VClock> {
        vec![self.skills.ctx().version(), self.episode_version()]
    }
    fn delta_since(&self, seen: &[VClock]) -> Self {
        let empty = VClock::default();
        let ep = seen.get(1).unwrap_or(&empty);
        AgentState {
            skills: self.skills.delta_since(seen.get(..1).unwrap_or(&[])),
            episodes: self
                .episodes
                .iter()
                .filter(|(d, _)| d.counter > ep.get(d.replica))
                .map(|(d, v)| (*d, v.clone()))
                .collect(),
        }
    }
    fn has_garbage(&self) -> bool {
        self.skills.has_garbage()
    }
    fn collect_garbage(&mut self, stable: &VClock) {
        self.skills.collect_garbage(stable);
    }
    fn encode_body(&self, w: &mut Writer) {
        self.skills.encode_body(w);
        w.varint(self.episodes.len() as u64);
        for (d, v) in &self.episodes {
            d.write(w);
            v.encode(w);
        }
    }
    fn decode_body(r: &mut Reader) -> Result<Self, CrdtError> {
        let skills = LWWMap::decode_body(r)?;
        let n = r.count("episode count", 3)?;
        let mut episodes = BTreeMap::new();
        let mut prev: Option<Dot> = None;
        for _ in 0..n {
            let at = r.pos();
            let d = Dot::read(r)?;
            check_ascending(&prev, &d, at)?;
            prev = Some(d);
            episodes.insert(d, Value::decode(r)?);
        }
        Ok(AgentState { skills, episodes })
    }
}
