//! How a request runs: on the blocking pool, over a snapshot, behind a panic guard, and
//! stoppable. The runtime's two worker threads only move messages.

use super::global_state::{GlobalState, Snapshot};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};

/// Whether a long request should stop: its answer is no longer wanted (`$/cancelRequest`,
/// which drops the request's future), or an edit arrived after its snapshot was taken, so
/// its positions would be stale (`ContentModified`).
#[derive(Clone)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    /// The state and the input generation of the snapshot, when edits cancel this request.
    modified: Option<(Arc<GlobalState>, u64)>,
}

/// Why a long request stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    Request,
    Modified,
}

impl Cancel {
    /// A flag no one sets (for work inside a short request).
    pub fn never() -> Cancel {
        Cancel {
            flag: Arc::default(),
            modified: None,
        }
    }

    pub fn check(&self) -> std::result::Result<(), Cancelled> {
        if self.flag.load(Ordering::Relaxed) {
            return Err(Cancelled::Request);
        }
        if let Some((state, generation)) = &self.modified
            && state.generation() != *generation
        {
            return Err(Cancelled::Modified);
        }
        Ok(())
    }
}

/// Sets the flag when the request's future is dropped (cancelled, or the session ended).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

pub fn panic_error(what: &str, panic: Box<dyn std::any::Any + Send>) -> Error {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    let mut error = Error::internal_error();
    error.message = format!("annals: internal error in {what}: {detail}").into();
    error
}

fn cancelled_error(why: Cancelled) -> Error {
    match why {
        Cancelled::Request => Error::request_cancelled(),
        Cancelled::Modified => Error {
            code: ErrorCode::ServerError(-32801),
            message: "annals: the document changed while this request ran; ask again".into(),
            data: None,
        },
    }
}

/// Whether edits made after the snapshot cancel the request.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OnEdit {
    /// Short requests: answer from the snapshot.
    Finish,
    /// Long requests (references, rename, workspace symbols): stop with `ContentModified`.
    Stop,
}

/// Runs `f` over a snapshot with every edit so far, on the blocking pool. A panic answers
/// this request with an internal error; the state is untouched (readers cannot change it).
pub async fn read<T: Send + 'static>(
    state: &Arc<GlobalState>,
    what: &'static str,
    on_edit: OnEdit,
    f: impl FnOnce(&Snapshot<'_>, &Cancel) -> std::result::Result<T, Cancelled> + Send + 'static,
) -> Result<T> {
    let flag = Arc::new(AtomicBool::new(false));
    let _on_drop = CancelOnDrop(flag.clone());
    let state = state.clone();
    let work = tokio::task::spawn_blocking(move || {
        let mut cancel = Cancel { flag, modified: None };
        cancel.check()?; // Cancelled while it waited for a thread.
        let snapshot = state.snapshot();
        if on_edit == OnEdit::Stop {
            cancel.modified = Some((state.clone(), snapshot.generation));
        }
        cancel.check()?;
        // A panic ends this task and comes back as the JoinError below; a read poisons nothing.
        f(&snapshot, &cancel)
    });
    match work.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(why)) => Err(cancelled_error(why)),
        Err(join) if join.is_panic() => Err(panic_error(what, join.into_panic())),
        Err(_) => Err(Error::request_cancelled()),
    }
}
