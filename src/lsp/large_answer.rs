//! Large answers (references to an entity mentioned 100,000 times, a rename across as many
//! places) bypass tower-lsp-server's `serde_json::Value` layer, which turns every location
//! into a map before writing it: for 17 MB of locations that costs about 240 ms, where
//! serializing them directly costs 11 ms.
//!
//! The handler serializes its answer on the worker thread (`prepare`), stashes the bytes
//! (`finish`) and returns a small placeholder answer whose one URI names them. The stdio
//! writer (`splice`) swaps that placeholder response for one carrying the stashed bytes. The
//! in-process test harness has no writer, so there the server runs without a stash and
//! every answer goes the ordinary way.

use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};
use tower_lsp_server::ls_types::Uri;

/// Answers smaller than this go the ordinary way: the detour pays only for big ones.
pub const THRESHOLD: usize = 64 * 1024;

/// Placeholder responses are small; a bigger frame is never searched.
const PLACEHOLDER_MAX: usize = 2048;

/// The largest buffer kept for reuse between large answers.
const SPARE_MAX: usize = 64 << 20;

const SCHEME: &str = "annals-answer:///";

/// The stash between the handlers and the writer.
#[derive(Clone, Debug)]
pub struct LargeAnswers(Arc<Mutex<Stash>>);

#[derive(Debug)]
struct Stash {
    /// Random per session, so text a user wrote (which can reach a hover) never names a stashed answer.
    nonce: u64,
    next: u64,
    answers: HashMap<u64, Vec<u8>>,
    /// The last large answer's buffer, written and given back: the next one reuses its pages.
    spare: Vec<u8>,
}

/// An answer serialized and named, or kept as it was when it is small.
pub enum Prepared<T> {
    Small(T),
    Large {
        stash: LargeAnswers,
        n: u64,
        uri: Uri,
        bytes: Vec<u8>,
    },
}

/// Serializes `value` when it is large and there is a stash (a stdio session). Runs on the
/// worker thread, off the async runtime.
///
/// `size_hint` is the expected size in bytes: one buffer of the right size spares the
/// doubling copies, and fresh pages, of a growing one (in a VM those cost up to 100 ms for
/// 17 MB).
pub fn prepare<T: Serialize>(stash: Option<&LargeAnswers>, value: T, size_hint: usize) -> Prepared<T> {
    match stash {
        Some(stash) => stash.prepare(value, size_hint),
        None => Prepared::Small(value),
    }
}

impl<T> Prepared<T> {
    /// The answer to return from the handler: the value itself when small, else `placeholder`
    /// around the URI that names the stashed bytes. Call it right before returning, with no
    /// `.await` between: a cancelled request's future is dropped only at an await, so a
    /// stashed answer always reaches the writer.
    pub fn finish(self, placeholder: impl FnOnce(Uri) -> T) -> T {
        match self {
            Prepared::Small(value) => value,
            Prepared::Large { stash, n, uri, bytes } => {
                stash.lock().answers.insert(n, bytes);
                placeholder(uri)
            }
        }
    }
}

impl Default for LargeAnswers {
    fn default() -> Self {
        LargeAnswers(Arc::new(Mutex::new(Stash {
            nonce: RandomState::new().hash_one(std::process::id()),
            next: 0,
            answers: HashMap::new(),
            spare: Vec::new(),
        })))
    }
}

impl LargeAnswers {
    /// Serializes `value` when it is large, and names it.
    fn prepare<T: Serialize>(&self, value: T, size_hint: usize) -> Prepared<T> {
        if size_hint < THRESHOLD / 2 {
            return Prepared::Small(value);
        }
        let mut bytes = std::mem::take(&mut self.lock().spare);
        bytes.clear();
        bytes.reserve(size_hint.saturating_add(size_hint / 8));
        match serde_json::to_writer(&mut bytes, &value) {
            Ok(()) if bytes.len() >= THRESHOLD => {}
            _ => {
                self.recycle(bytes);
                return Prepared::Small(value);
            }
        }
        let (nonce, n) = {
            let mut stash = self.lock();
            stash.next += 1;
            (stash.nonce, stash.next)
        };
        match format!("{SCHEME}{nonce:016x}/{n}").parse::<Uri>() {
            Ok(uri) => Prepared::Large {
                stash: self.clone(),
                n,
                uri,
                bytes,
            },
            // The marker is plain ASCII and always parses; should it not, the answer goes the ordinary way.
            Err(_) => Prepared::Small(value),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Stash> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A server frame's body, with a placeholder response replaced by the response it stands
    /// for. In pieces, to be written one after another: the stashed bytes are not copied again.
    pub fn splice(&self, body: Vec<u8>) -> Vec<Vec<u8>> {
        if body.len() > PLACEHOLDER_MAX {
            return vec![body];
        }
        let Some(n) = self.token(&body) else { return vec![body] };
        let Ok(response) = serde_json::from_slice::<serde_json::Value>(&body) else {
            return vec![body];
        };
        let Some(id) = response.get("id").filter(|_| response.get("result").is_some()) else {
            return vec![body];
        };
        let Some(bytes) = self.lock().answers.remove(&n) else {
            return vec![body];
        };
        let head = format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":");
        vec![head.into_bytes(), bytes, b"}".to_vec()]
    }

    /// The stash number a body's marker names, if it carries this session's marker.
    fn token(&self, body: &[u8]) -> Option<u64> {
        let nonce = self.lock().nonce;
        let prefix = format!("{SCHEME}{nonce:016x}/");
        let at = body.windows(prefix.len()).position(|w| w == prefix.as_bytes())? + prefix.len();
        let digits: &[u8] = &body[at..];
        let end = digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
        std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
    }

    /// Takes back a written answer's buffer (kept up to `SPARE_MAX` bytes).
    pub fn recycle(&self, buffer: Vec<u8>) {
        if buffer.capacity() >= THRESHOLD && buffer.capacity() <= SPARE_MAX {
            let mut stash = self.lock();
            if buffer.capacity() > stash.spare.capacity() {
                stash.spare = buffer;
            }
        }
    }

    /// Answers stashed and not yet written (none may be left behind).
    #[cfg(test)]
    fn pending(&self) -> usize {
        self.lock().answers.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Location, Range};

    fn big() -> Vec<Location> {
        let uri: Uri = "file:///corpus/articles/a.md".parse().unwrap();
        (0..5000)
            .map(|_| Location {
                uri: uri.clone(),
                range: Range::default(),
            })
            .collect()
    }

    fn respond(id: serde_json::Value, result: &impl Serialize) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({ "jsonrpc": "2.0", "result": result, "id": id })).unwrap()
    }

    #[test]
    fn a_large_answer_reaches_the_client_whole() {
        let large = LargeAnswers::default();
        let placeholder = prepare(Some(&large), big(), 5000 * 60).finish(|uri| {
            vec![Location {
                uri,
                range: Range::default(),
            }]
        });
        assert_eq!(placeholder.len(), 1);
        assert_eq!(large.pending(), 1);
        let body = respond(serde_json::json!(7), &placeholder);
        let spliced: serde_json::Value = serde_json::from_slice(&large.splice(body).concat()).unwrap();
        assert_eq!(spliced["id"], 7);
        assert_eq!(spliced["result"], serde_json::to_value(big()).unwrap());
        assert_eq!(large.pending(), 0, "a written answer leaves the stash");
    }

    #[test]
    fn small_answers_and_foreign_markers_pass_unchanged() {
        let large = LargeAnswers::default();
        let small = vec![Location {
            uri: "file:///a.md".parse().unwrap(),
            range: Range::default(),
        }];
        let kept = prepare(Some(&large), small.clone(), 100).finish(|_| unreachable!("small answers are not stashed"));
        assert_eq!(kept, small);
        // A marker from another session (another nonce), as a user could type it into a document.
        let forged = respond(serde_json::json!(1), &"annals-answer:///0000000000000000/0");
        assert_eq!(large.splice(forged.clone()), vec![forged]);
        let other = LargeAnswers::default();
        let theirs = prepare(Some(&other), big(), 5000 * 60).finish(|uri| {
            vec![Location {
                uri,
                range: Range::default(),
            }]
        });
        let body = respond(serde_json::json!(2), &theirs);
        assert_eq!(large.splice(body.clone()), vec![body]);
    }
}
