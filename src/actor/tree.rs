//! Introspection: the supervision tree under a supervisor, with each actor's state, restarts,
//! behaviour version and mailbox depth (the demo's live view).

use super::supervisor::{ChildKind, ChildState, SupervisorCall};
use super::{ActorError, ActorRef, Message, System};

/// One node of the supervision tree.
///
/// See [`tree`] for an example.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeNode {
    /// Child spec id (`"root"` for the root).
    pub id: String,
    /// The running actor, if any.
    pub actor: Option<ActorRef>,
    /// Worker or supervisor.
    pub kind: ChildKind,
    /// Running, restarting, stopped, …
    pub state: ChildState,
    /// Restarts of this child (for the root: all restarts it performed).
    pub restarts: u64,
    /// Behaviour version, for upgradable actors.
    pub version: Option<u32>,
    /// Messages queued now.
    pub mailbox_len: usize,
    /// Its children, for supervisors.
    pub children: Vec<TreeNode>,
}

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn ask(sys: &System, sup: ActorRef, call: SupervisorCall) -> Result<Message, ActorError> {
    sys.call(sup, Message::value(call), TIMEOUT)?.wait()
}

/// The tree under supervisor `root` (native: blocks the caller; a supervisor busy restarting
/// answers once its current step is done).
///
/// ```
/// use katalyst::actor::*;
/// use katalyst::actor::supervisor::*;
/// let ex = NativeExecutor::start(Config::default()).unwrap();
/// let w = || ChildSpec::new("w", |_| Ok(Box::new(from_fn(|m, _| Ok(m))) as Box<dyn Behaviour>));
/// let inner = SupervisorSpec::new(Strategy::OneForOne).child(w());
/// let root = start(ex.system(), SupervisorSpec::new(Strategy::OneForAll).child(w()).child(ChildSpec::supervisor("inner", inner))).unwrap();
/// let t = tree(ex.system(), root).unwrap();
/// assert_eq!(t.children.len(), 2);
/// assert_eq!(t.children[1].children[0].id, "w");
/// ```
pub fn tree(sys: &System, root: ActorRef) -> Result<TreeNode, ActorError> {
    let restarts = ask(sys, root, SupervisorCall::Restarts)?
        .as_int()
        .unwrap_or(0);
    let mut node = TreeNode {
        id: "root".into(),
        actor: Some(root),
        kind: ChildKind::Supervisor,
        state: ChildState::Running,
        restarts: u64::try_from(restarts).unwrap_or(0),
        version: sys.version_of(root),
        mailbox_len: sys.load_of(root).map_or(0, |l| l.0),
        children: Vec::new(),
    };
    fill(sys, root, &mut node)?;
    Ok(node)
}

fn fill(sys: &System, sup: ActorRef, node: &mut TreeNode) -> Result<(), ActorError> {
    let kids = ask(sys, sup, SupervisorCall::WhichChildren)?
        .downcast::<Vec<super::supervisor::ChildInfo>>()
        .map_err(|_| ActorError::NoProc { actor: sup.id() })?;
    for c in kids {
        let mut child = TreeNode {
            id: c.id,
            actor: c.actor,
            kind: c.kind,
            state: c.state,
            restarts: c.restarts,
            version: c.actor.and_then(|a| sys.version_of(a)),
            mailbox_len: c.actor.and_then(|a| sys.load_of(a)).map_or(0, |l| l.0),
            children: Vec::new(),
        };
        if let (ChildKind::Supervisor, Some(a)) = (c.kind, c.actor) {
            // A nested supervisor that exited meanwhile shows without children.
            let _ = fill(sys, a, &mut child);
        }
        node.children.push(child);
    }
    Ok(())
}
