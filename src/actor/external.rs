//! Links, monitors and exit signals requested from outside any actor (the page's
//! `k.actors.link(a, b)`, `monitor(watcher, target)`, …): each request runs on the named
//! actor's own context between two of its messages, so it follows the same rules and
//! ordering as when the actor does it itself.

use super::link::{ExitSignal, Signal};
use super::{ActorError, ActorRef, Context, Down, ExitReason, MonitorRef, System};

impl System {
    /// Runs `f` on `actor`'s context after the messages already queued (`noproc` if it is not
    /// alive).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// ex.system().run_in(a, |ctx| { ctx.trap_exit(true); }).unwrap();
    /// ```
    pub fn run_in(
        &self,
        actor: ActorRef,
        f: impl FnOnce(&mut Context<'_>) + Send + 'static,
    ) -> Result<(), ActorError> {
        self.inner
            .send_signal(actor, None, Signal::Run(Box::new(f)), None)
    }

    /// Links `a` and `b` (as if `a` called `link(b)`): `noproc` if either is not alive.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let s = ex.system();
    /// let a = s.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let b = s.spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// s.link(a, b).unwrap();
    /// s.stop(b, ExitReason::error("boom")).unwrap();
    /// while s.is_alive(a) { std::thread::yield_now(); }
    /// ```
    pub fn link(&self, a: ActorRef, b: ActorRef) -> Result<(), ActorError> {
        if !self.is_alive(b) {
            return Err(ActorError::NoProc { actor: b.id() });
        }
        if a == b {
            return Ok(());
        }
        // `a` records the link before `b` can answer it; `b` gets the request now, so an
        // exit of `b` right after this call already propagates (or, if `b` died meanwhile,
        // answers the request with its reason).
        self.run_in(a, move |ctx| {
            ctx.signals.links.insert(b);
        })?;
        self.inner
            .send_signal(b, Some(a), Signal::Link(a), None)
            .or_else(|_| {
                let sig = ExitSignal {
                    reason: ExitReason::NoProc,
                    from: Some(b),
                    link: true,
                };
                self.inner.send_exit(a, sig, None)
            })
    }

    /// Removes the link between `a` and `b` (as if `a` called `unlink(b)`).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// assert!(ex.system().unlink(a, a).is_ok());
    /// ```
    pub fn unlink(&self, a: ActorRef, b: ActorRef) -> Result<(), ActorError> {
        self.run_in(a, move |ctx| ctx.unlink(b))
    }

    /// `watcher` monitors `target` (a `Down` with `noproc` at once if `target` is not alive).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let w = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// let m = ex.system().monitor(w, w).unwrap();
    /// assert!(ex.system().demonitor(w, m).is_ok());
    /// ```
    pub fn monitor(&self, watcher: ActorRef, target: ActorRef) -> Result<MonitorRef, ActorError> {
        let m = self.inner.next_monitor();
        // The watcher records the monitor before any DOWN for it can reach its mailbox; the
        // target gets the request now, so it is in place when this call returns.
        self.run_in(watcher, move |ctx| {
            ctx.signals.monitors.insert(m, target);
        })?;
        if self
            .inner
            .send_signal(target, Some(watcher), Signal::Monitor(m, watcher), None)
            .is_err()
        {
            let down = Down {
                monitor: m,
                actor: target,
                reason: ExitReason::NoProc,
            };
            let _ = self
                .inner
                .send_signal(watcher, Some(target), Signal::Down(down), None);
        }
        Ok(m)
    }

    /// Removes `watcher`'s monitor `m` (its DOWN, even if queued, is not delivered).
    ///
    /// See [`System::monitor`] for an example.
    pub fn demonitor(&self, watcher: ActorRef, m: MonitorRef) -> Result<(), ActorError> {
        self.run_in(watcher, move |ctx| {
            ctx.demonitor(m);
        })
    }

    /// Sets whether `actor` traps exits (see [`Context::trap_exit`]).
    ///
    /// See [`System::run_in`] for an example.
    pub fn set_trap_exit(&self, actor: ActorRef, on: bool) -> Result<(), ActorError> {
        self.run_in(actor, move |ctx| {
            ctx.trap_exit(on);
        })?;
        // Senders read the cell's mirror to route exit signals: set it now, so a signal sent
        // after this call reaches the mailbox behind the request (and is trapped).
        if let Some(cell) = self.inner.cell(actor.id().slot) {
            if self.is_alive(actor) {
                cell.trap_exit
                    .store(on, std::sync::atomic::Ordering::Release);
            }
        }
        Ok(())
    }

    /// Sends an exit signal from outside any actor (Erlang `exit(Pid, Reason)` from a process
    /// not linked to it): `kill` always ends `to` (its links see `killed`); a trapping `to`
    /// gets an `ExitMsg` whose `from` is [`System::outside`]; otherwise `normal` is ignored and
    /// any other reason ends it.
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// let a = ex.system().spawn(from_fn(|m, _| Ok(m)), SpawnOptions::default()).unwrap();
    /// ex.system().exit(a, ExitReason::Normal).unwrap(); // ignored: not trapping
    /// ex.system().exit(a, ExitReason::Kill).unwrap();
    /// ```
    pub fn exit(&self, to: ActorRef, reason: ExitReason) -> Result<(), ActorError> {
        let sig = ExitSignal {
            reason,
            from: Some(self.outside()),
            link: false,
        };
        self.inner.send_exit(to, sig, None)
    }

    /// The sender named in exit signals sent from outside any actor: slot 0, generation 0
    /// (never a live actor).
    ///
    /// ```
    /// # use katalyst::actor::*;
    /// # let ex = NativeExecutor::start(Config::default()).unwrap();
    /// assert!(!ex.system().is_alive(ex.system().outside()));
    /// ```
    pub fn outside(&self) -> ActorRef {
        ActorRef::from_parts([u32::from(self.config().node), 0, 0])
    }
}
