//! The supervisor actor: starts children in order, watches them (links, trapping exits),
//! restarts them by strategy and intensity, and stops them in reverse order.
//!
//! Everything is asynchronous (a handler never waits): the supervisor runs a queue of steps;
//! a step that must wait (a child's `InitAck`, a child's `DOWN` after a shutdown signal, a
//! backoff timer) parks the queue until that message arrives. Exits of other children arriving
//! meanwhile are handled once the queue is empty.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use super::spec::{ChildSpec, Restart, Shutdown, Strategy, SupervisorSpec};
use super::{ChildInfo, ChildState, Intensity, SupervisorCall};
use crate::actor::{
    ActorError, ActorRef, Behaviour, Context, Down, ExitMsg, ExitReason, InitAck, Message,
    MonitorRef, OtpEvent, ReplyToken, SpawnOptions,
};

/// Messages the supervisor sends itself.
enum Internal {
    ShutdownTimeout(MonitorRef),
    BackoffDue(u64),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Purpose {
    Initial,
    Restart,
    Dynamic,
    /// `restart_child` of a stopped static child: a failure is reported, the spec kept.
    Manual,
}

enum Step {
    Start(u64, Purpose),
    Stop(u64),
    /// Expands into `Stop` of every running child, last started first.
    StopAll,
    Delay(Duration),
    Started,
    Exit(ExitReason),
}

enum Wait {
    Nothing,
    Ack {
        key: u64,
        pid: ActorRef,
        purpose: Purpose,
    },
    Down {
        key: u64,
        pid: ActorRef,
        monitor: MonitorRef,
    },
    Delay(u64),
}

struct Child {
    key: u64,
    spec: Arc<ChildSpec>,
    args: Message,
    pid: Option<ActorRef>,
    restarts: u64,
    state: ChildState,
    /// Removed from the list once stopped (temporary children; `simple_one_for_one`).
    remove_when_stopped: bool,
    start_reply: Option<ReplyToken>,
}

/// A supervisor (OTP `supervisor` behaviour). Start it with [`super::start`] or as a child
/// spec ([`ChildSpec::supervisor`]).
///
/// See the module documentation for an example.
pub struct Supervisor {
    spec: SupervisorSpec,
    children: Vec<Child>,
    next_key: u64,
    intensity: Intensity,
    steps: VecDeque<Step>,
    wait: Wait,
    deferred: VecDeque<ExitMsg>,
    parent: Option<ActorRef>,
    parent_pid: Option<ActorRef>,
    started: bool,
    awaiting_start: Vec<ReplyToken>,
    /// The answer to `supervisor::spawn`'s "started", adopted in `init`.
    start_token: Option<ReplyToken>,
    awaiting_stop: Vec<ReplyToken>,
    restarts: u64,
    next_timer: u64,
}

impl Supervisor {
    /// A supervisor for `spec` (not started: spawn it).
    ///
    /// See the module documentation for an example.
    pub fn new(spec: SupervisorSpec) -> Self {
        let period = u64::try_from(spec.period.as_nanos()).unwrap_or(u64::MAX);
        Supervisor {
            intensity: Intensity::new(spec.intensity, period),
            spec,
            children: Vec::new(),
            next_key: 1,
            steps: VecDeque::new(),
            wait: Wait::Nothing,
            deferred: VecDeque::new(),
            parent: None,
            parent_pid: None,
            started: false,
            awaiting_start: Vec::new(),
            start_token: None,
            awaiting_stop: Vec::new(),
            restarts: 0,
            next_timer: 1,
        }
    }

    /// Answers `token` once every child started, or with the exit reason if starting fails.
    pub(crate) fn answer_started(mut self, token: ReplyToken) -> Self {
        self.start_token = Some(token);
        self
    }

    fn add_child(&mut self, spec: Arc<ChildSpec>, args: Message) -> u64 {
        let key = self.next_key;
        self.next_key += 1;
        let remove_when_stopped =
            spec.restart == Restart::Temporary || self.spec.strategy == Strategy::SimpleOneForOne;
        self.children.push(Child {
            key,
            spec,
            args,
            pid: None,
            restarts: 0,
            state: ChildState::Stopped,
            remove_when_stopped,
            start_reply: None,
        });
        key
    }

    fn index(&self, key: u64) -> Option<usize> {
        self.children.iter().position(|c| c.key == key)
    }

    fn by_pid(&self, pid: ActorRef) -> Option<usize> {
        self.children.iter().position(|c| c.pid == Some(pid))
    }

    fn remove(&mut self, key: u64) {
        if let Some(i) = self.index(key) {
            self.children.remove(i);
        }
    }

    /// Runs steps until one waits; then, once idle, handles deferred child exits.
    fn drive(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        loop {
            if !matches!(self.wait, Wait::Nothing) {
                return Ok(());
            }
            if let Some(step) = self.steps.pop_front() {
                self.run_step(step, ctx)?;
                continue;
            }
            match self.deferred.pop_front() {
                Some(exit) => self.on_exit(exit, ctx)?,
                None => return Ok(()),
            }
        }
    }

    fn run_step(&mut self, step: Step, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        match step {
            Step::Start(key, purpose) => self.start_child(key, purpose, ctx),
            Step::Stop(key) => {
                self.stop_child(key, ctx);
                Ok(())
            }
            Step::StopAll => {
                let live: Vec<u64> = self
                    .children
                    .iter()
                    .filter(|c| c.pid.is_some())
                    .map(|c| c.key)
                    .collect();
                for key in live {
                    self.steps.push_front(Step::Stop(key));
                }
                Ok(())
            }
            Step::Delay(d) => {
                let token = self.next_timer;
                self.next_timer += 1;
                let me = ctx.myself();
                ctx.send_after(me, Message::value(Internal::BackoffDue(token)), d);
                self.wait = Wait::Delay(token);
                Ok(())
            }
            Step::Started => {
                self.started = true;
                if let Some(parent) = self.parent.take() {
                    let me = ctx.myself();
                    ctx.notify(parent, Message::value(InitAck(me)));
                }
                for t in self.awaiting_start.drain(..) {
                    t.reply(Message::Empty);
                }
                Ok(())
            }
            Step::Exit(reason) => {
                for t in self.awaiting_stop.drain(..) {
                    t.reply(Message::Empty);
                }
                Err(reason)
            }
        }
    }

    fn start_child(
        &mut self,
        key: u64,
        purpose: Purpose,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        let Some(i) = self.index(key) else {
            return Ok(()); // removed meanwhile
        };
        let child = &mut self.children[i];
        if child.pid.is_some() {
            return Ok(());
        }
        let built = (child.spec.start)(&child.args).map_err(ExitReason::error);
        let opts = SpawnOptions {
            mailbox_capacity: child.spec.mailbox_capacity,
            ..SpawnOptions::default()
        };
        let spawned = built.and_then(|b| {
            ctx.spawn_link_acked(b, opts)
                .map_err(|e| ExitReason::error(e.to_string()))
        });
        match spawned {
            Ok(pid) => {
                child.pid = Some(pid);
                child.state = ChildState::Starting;
                self.wait = Wait::Ack { key, pid, purpose };
                Ok(())
            }
            Err(reason) => self.start_failed(key, purpose, reason, ctx),
        }
    }

    fn start_failed(
        &mut self,
        key: u64,
        purpose: Purpose,
        reason: ExitReason,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        let Some(i) = self.index(key) else {
            return Ok(());
        };
        self.children[i].pid = None;
        self.children[i].state = ChildState::Stopped;
        match purpose {
            Purpose::Initial => {
                // OTP: the supervisor stops what it started and fails to start.
                let id = self.children[i].spec.id.clone();
                self.steps.clear();
                self.steps.push_back(Step::StopAll);
                self.steps.push_back(Step::Exit(ExitReason::error(format!(
                    "failed_to_start_child {id}: {reason}"
                ))));
                Ok(())
            }
            Purpose::Dynamic | Purpose::Manual => {
                if let Some(t) = self.children[i].start_reply.take() {
                    t.reply_err(ActorError::BadArgs {
                        name: self.children[i].spec.id.clone(),
                        message: format!("start_child failed: {reason}"),
                    });
                }
                if purpose == Purpose::Dynamic {
                    self.remove(key);
                }
                Ok(())
            }
            // A failed restart counts as another failure of that child.
            Purpose::Restart => self.child_failed(key, reason, ctx),
        }
    }

    fn stop_child(&mut self, key: u64, ctx: &mut Context<'_>) {
        let Some(i) = self.index(key) else {
            return;
        };
        let Some(pid) = self.children[i].pid else {
            if self.children[i].remove_when_stopped {
                self.remove(key);
            }
            return;
        };
        let shutdown = self.children[i].spec.shutdown;
        ctx.unlink(pid);
        let monitor = ctx.monitor(pid);
        match shutdown {
            Shutdown::BrutalKill => {
                let _ = ctx.exit(pid, ExitReason::Kill);
            }
            Shutdown::Timeout(d) => {
                let _ = ctx.exit(pid, ExitReason::Shutdown);
                let me = ctx.myself();
                ctx.send_after(me, Message::value(Internal::ShutdownTimeout(monitor)), d);
            }
            Shutdown::Infinity => {
                let _ = ctx.exit(pid, ExitReason::Shutdown);
            }
        }
        self.children[i].state = ChildState::Stopping;
        self.wait = Wait::Down { key, pid, monitor };
    }

    fn on_exit(&mut self, exit: ExitMsg, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        match self.wait {
            Wait::Ack { key, pid, purpose } if pid == exit.from => {
                self.wait = Wait::Nothing;
                return self.start_failed(key, purpose, exit.reason, ctx);
            }
            Wait::Down { pid, .. } if pid == exit.from => return Ok(()),
            _ => {}
        }
        let Some(i) = self.by_pid(exit.from) else {
            if Some(exit.from) == self.parent_pid {
                // OTP: a supervisor whose parent exits terminates its children, then itself.
                self.steps.clear();
                self.wait = Wait::Nothing;
                self.steps.push_back(Step::StopAll);
                self.steps.push_back(Step::Exit(exit.reason));
            }
            return Ok(()); // an earlier incarnation of a child, or an unknown link
        };
        if !matches!(self.wait, Wait::Nothing) || !self.steps.is_empty() {
            self.deferred.push_back(exit);
            return Ok(());
        }
        let key = self.children[i].key;
        self.child_failed(key, exit.reason, ctx)
    }

    /// A child exited (or failed to restart) with `reason`: apply restart type and strategy.
    fn child_failed(
        &mut self,
        key: u64,
        reason: ExitReason,
        ctx: &mut Context<'_>,
    ) -> Result<(), ExitReason> {
        let Some(i) = self.index(key) else {
            return Ok(());
        };
        self.children[i].pid = None;
        self.children[i].state = ChildState::Stopped;
        let restart = match self.children[i].spec.restart {
            Restart::Permanent => true,
            Restart::Transient => !reason.is_normal(),
            Restart::Temporary => false,
        };
        if !restart {
            if self.children[i].remove_when_stopped {
                self.remove(key);
            }
            return Ok(());
        }
        self.restarts += 1;
        self.children[i].restarts += 1;
        let at = Duration::from_nanos(ctx.now_ns());
        let sys = ctx.system();
        let supervisor = ctx.myself();
        if !self.intensity.add(ctx.now_ns()) {
            sys.otp_event(OtpEvent::GaveUp { supervisor, at });
            // Too many restarts: stop everything and escalate with `shutdown`.
            self.steps.clear();
            self.steps.push_back(Step::StopAll);
            self.steps.push_back(Step::Exit(ExitReason::Shutdown));
            return Ok(());
        }
        sys.otp_event(OtpEvent::Restarted {
            supervisor,
            child: self.children[i].spec.id.clone(),
            reason,
            at,
        });
        if let Some(b) = self.spec.backoff {
            self.steps
                .push_back(Step::Delay(b.delay(self.intensity.recent())));
        }
        let affected: Vec<usize> = match self.spec.strategy {
            Strategy::OneForOne | Strategy::SimpleOneForOne => vec![i],
            Strategy::OneForAll => (0..self.children.len()).collect(),
            Strategy::RestForOne => (i..self.children.len()).collect(),
        };
        let keys: Vec<u64> = affected.iter().map(|&j| self.children[j].key).collect();
        for &k in keys.iter().rev() {
            if k != key {
                self.steps.push_back(Step::Stop(k));
            }
        }
        for &j in &affected {
            let c = &mut self.children[j];
            if c.spec.restart != Restart::Temporary {
                c.state = ChildState::Restarting;
                self.steps.push_back(Step::Start(c.key, Purpose::Restart));
            }
        }
        Ok(())
    }

    fn on_call(&mut self, call: SupervisorCall, ctx: &mut Context<'_>) -> Message {
        match call {
            SupervisorCall::AwaitStarted => {
                if !self.started {
                    if let Some(t) = ctx.defer_reply() {
                        self.awaiting_start.push(t);
                    }
                }
                Message::Empty
            }
            SupervisorCall::WhichChildren => Message::value(self.which_children()),
            SupervisorCall::Restarts => Message::Int(self.restarts as i64),
            SupervisorCall::StartChild(args) => {
                let template = match (self.spec.strategy, self.spec.children.first()) {
                    (Strategy::SimpleOneForOne, Some(t)) => Arc::new(t.clone()),
                    _ => {
                        if let Some(t) = ctx.defer_reply() {
                            t.reply_err(ActorError::BadArgs {
                                name: "start_child".into(),
                                message: "only a simple_one_for_one supervisor adds children"
                                    .into(),
                            });
                        }
                        return Message::Empty;
                    }
                };
                let key = self.add_child(template, args);
                if let (Some(t), Some(i)) = (ctx.defer_reply(), self.index(key)) {
                    self.children[i].start_reply = Some(t);
                }
                self.steps.push_back(Step::Start(key, Purpose::Dynamic));
                Message::Empty
            }
            SupervisorCall::TerminateChild(pid) => match self.by_pid(pid) {
                Some(i) => {
                    let key = self.children[i].key;
                    self.children[i].remove_when_stopped |=
                        self.spec.strategy == Strategy::SimpleOneForOne;
                    self.steps.push_back(Step::Stop(key));
                    Message::Int(1)
                }
                None => Message::Int(0),
            },
            SupervisorCall::TerminateChildId(id) => {
                match self.children.iter().position(|c| c.spec.id == id) {
                    Some(i) if self.children[i].pid.is_some() => {
                        let key = self.children[i].key;
                        self.steps.push_back(Step::Stop(key));
                        Message::Int(1)
                    }
                    _ => Message::Int(0),
                }
            }
            SupervisorCall::RestartChild(id) => {
                match self.children.iter().position(|c| c.spec.id == id) {
                    Some(i) if self.children[i].pid.is_none() => {
                        let key = self.children[i].key;
                        if let Some(t) = ctx.defer_reply() {
                            self.children[i].start_reply = Some(t);
                        }
                        self.steps.push_back(Step::Start(key, Purpose::Manual));
                        Message::Empty
                    }
                    _ => {
                        if let Some(t) = ctx.defer_reply() {
                            t.reply_err(ActorError::BadArgs {
                                name: "restart_child".into(),
                                message: format!("{id:?}: no such stopped child"),
                            });
                        }
                        Message::Empty
                    }
                }
            }
            SupervisorCall::DeleteChild(id) => {
                match self.children.iter().position(|c| c.spec.id == id) {
                    Some(i) if self.children[i].pid.is_none() => {
                        self.children.remove(i);
                        Message::Int(1)
                    }
                    _ => Message::Int(0),
                }
            }
            SupervisorCall::Stop => {
                if let Some(t) = ctx.defer_reply() {
                    self.awaiting_stop.push(t);
                }
                self.steps.push_back(Step::StopAll);
                self.steps.push_back(Step::Exit(ExitReason::Shutdown));
                Message::Empty
            }
        }
    }

    fn which_children(&self) -> Vec<ChildInfo> {
        self.children
            .iter()
            .map(|c| ChildInfo {
                id: c.spec.id.clone(),
                actor: c.pid,
                kind: c.spec.kind,
                restart: c.spec.restart,
                state: c.state,
                restarts: c.restarts,
            })
            .collect()
    }
}

impl Behaviour for Supervisor {
    fn init(&mut self, ctx: &mut Context<'_>) -> Result<(), ExitReason> {
        if let Some(mut token) = self.start_token.take() {
            token.bind(ctx.myself().id());
            self.awaiting_start.push(token);
        }
        ctx.trap_exit(true);
        self.parent = ctx.take_init_ack();
        self.parent_pid = self.parent;
        if self.spec.strategy == Strategy::SimpleOneForOne && self.spec.children.len() != 1 {
            return Err(ExitReason::error(format!(
                "simple_one_for_one: expected exactly one child spec, got {}",
                self.spec.children.len()
            )));
        }
        if self.spec.strategy != Strategy::SimpleOneForOne {
            let specs: Vec<ChildSpec> = self.spec.children.clone();
            for (n, spec) in specs.iter().enumerate() {
                if specs[..n].iter().any(|s| s.id == spec.id) {
                    return Err(ExitReason::error(format!(
                        "duplicate child id {:?}",
                        spec.id
                    )));
                }
                let key = self.add_child(Arc::new(spec.clone()), Message::Empty);
                self.steps.push_back(Step::Start(key, Purpose::Initial));
            }
        }
        self.steps.push_back(Step::Started);
        self.drive(ctx)
    }

    fn handle(&mut self, msg: Message, ctx: &mut Context<'_>) -> Result<Message, ExitReason> {
        let msg = match msg.downcast::<ExitMsg>() {
            Ok(exit) => {
                self.on_exit(exit, ctx)?;
                self.drive(ctx)?;
                return Ok(Message::Empty);
            }
            Err(m) => m,
        };
        let msg = match msg.downcast::<Down>() {
            Ok(down) => {
                if let Wait::Down { key, monitor, .. } = self.wait {
                    if monitor == down.monitor {
                        self.wait = Wait::Nothing;
                        if let Some(i) = self.index(key) {
                            self.children[i].pid = None;
                            self.children[i].state = ChildState::Stopped;
                            if self.children[i].remove_when_stopped {
                                self.remove(key);
                            }
                        }
                    }
                }
                self.drive(ctx)?;
                return Ok(Message::Empty);
            }
            Err(m) => m,
        };
        let msg = match msg.downcast::<InitAck>() {
            Ok(InitAck(pid)) => {
                if let Wait::Ack {
                    key,
                    pid: waited,
                    purpose,
                } = self.wait
                {
                    if waited == pid {
                        self.wait = Wait::Nothing;
                        if let Some(i) = self.index(key) {
                            self.children[i].state = ChildState::Running;
                            if matches!(purpose, Purpose::Dynamic | Purpose::Manual) {
                                if let Some(t) = self.children[i].start_reply.take() {
                                    t.reply(Message::value(pid));
                                }
                            }
                        }
                    }
                }
                self.drive(ctx)?;
                return Ok(Message::Empty);
            }
            Err(m) => m,
        };
        let msg = match msg.downcast::<Internal>() {
            Ok(Internal::ShutdownTimeout(m)) => {
                if let Wait::Down { pid, monitor, .. } = self.wait {
                    if monitor == m {
                        let _ = ctx.exit(pid, ExitReason::Kill);
                    }
                }
                return Ok(Message::Empty);
            }
            Ok(Internal::BackoffDue(t)) => {
                if matches!(self.wait, Wait::Delay(w) if w == t) {
                    self.wait = Wait::Nothing;
                }
                self.drive(ctx)?;
                return Ok(Message::Empty);
            }
            Err(m) => m,
        };
        match msg.downcast::<SupervisorCall>() {
            Ok(call) => {
                let r = self.on_call(call, ctx);
                self.drive(ctx)?;
                Ok(r)
            }
            Err(_) => Ok(Message::Empty),
        }
    }
}
