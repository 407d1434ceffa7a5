//! Large requests bypass tower-lsp-server's `serde_json::Value` layer, as large answers do
//! (`large_answer`). VS Code's client sends every workspace pull with the result id of each
//! document it has seen: at 12,000 documents that is 1.5 MB of JSON, which the codec parses
//! into a `Value`, serde buffers again to pick the parameters' variant, and ls-types turns into
//! 12,000 parsed URIs: 16 ms of a pull whose own work is one hash lookup per document.
//!
//! The frame reader (`take_pull`) reads such a pull's result ids straight from the bytes, with
//! borrowed strings, stashes them, and passes on a small request whose one previous result
//! names the stash. The handler (`PullIds::claim`) takes them back. A pull whose parameters
//! are the same bytes as the last one's (a client polling while nothing changed) reuses the
//! ids read then. The in-process test harness
//! has no frame reader, so there every request goes the ordinary way.

use super::findings_cache::ResultId;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

/// Requests smaller than this go the ordinary way: the detour pays only for big ones.
pub const THRESHOLD: usize = 64 * 1024;

/// Stashed pulls not yet taken (a request the server refused before its handler ran): the
/// oldest go first.
const KEPT: usize = 4;

const SCHEME: &str = "annals-request:///";

/// The result ids a client sent, by the URI string of their document.
pub type PreviousResults = rustc_hash::FxHashMap<Box<str>, ResultId>;

/// The stash between the frame reader and the workspace pull's handler.
#[derive(Clone, Debug)]
pub struct PullIds(Arc<Mutex<Stash>>);

#[derive(Debug)]
struct Stash {
    /// Random per session: a URI a client sends of its own accord never names a stashed pull.
    nonce: u64,
    next: u64,
    pulls: VecDeque<(u64, Arc<PreviousResults>)>,
    /// The last large pull: a client that polls with nothing changed sends the same bytes again.
    last: Option<LastPull>,
}

/// A pull's parameters as the client wrote them, what they held besides the ids, and the ids.
type LastPull = (Vec<u8>, serde_json::Map<String, Value>, Arc<PreviousResults>);

impl Default for PullIds {
    fn default() -> Self {
        PullIds(Arc::new(Mutex::new(Stash {
            nonce: RandomState::new().hash_one(std::process::id()),
            next: 0,
            pulls: VecDeque::new(),
            last: None,
        })))
    }
}

#[derive(Deserialize)]
struct Pull<'a> {
    jsonrpc: Cow<'a, str>,
    id: Value,
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    params: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PullParams<'a> {
    #[serde(default)]
    identifier: Option<String>,
    #[serde(borrow)]
    previous_result_ids: Vec<Previous<'a>>,
    #[serde(default)]
    work_done_token: Option<Value>,
    #[serde(default)]
    partial_result_token: Option<Value>,
}

#[derive(Deserialize)]
struct Previous<'a> {
    #[serde(borrow)]
    uri: Cow<'a, str>,
    #[serde(borrow)]
    value: Cow<'a, str>,
}

impl PullIds {
    fn lock(&self) -> std::sync::MutexGuard<'_, Stash> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A client's frame body: a large workspace pull comes back as a small one whose result
    /// ids wait in the stash; anything else is `None` and goes on as it is.
    pub fn take_pull(&self, body: &[u8]) -> Option<Vec<u8>> {
        if body.len() < THRESHOLD || memchr::memmem::find(body, b"workspace/diagnostic").is_none() {
            return None;
        }
        // Anything unexpected (another method, a malformed pull) goes the ordinary way, whose
        // errors are the protocol's.
        let pull: Pull = serde_json::from_slice(body).ok()?;
        if pull.jsonrpc != "2.0"
            || pull.method != "workspace/diagnostic"
            || !(pull.id.is_number() || pull.id.is_string())
        {
            return None;
        }
        let raw = pull.params.get().as_bytes();
        let again = {
            let stash = self.lock();
            stash
                .last
                .as_ref()
                .filter(|(bytes, ..)| bytes.as_slice() == raw)
                .map(|(_, rest, ids)| (rest.clone(), ids.clone()))
        };
        let (mut params, ids) = match again {
            Some(again) => again,
            None => {
                let params: PullParams = serde_json::from_str(pull.params.get()).ok()?;
                let previous = &params.previous_result_ids;
                let mut ids = PreviousResults::with_capacity_and_hasher(previous.len(), Default::default());
                ids.extend(
                    previous
                        .iter()
                        .filter_map(|p| Some((Box::from(p.uri.as_ref()), ResultId::from_wire(&p.value)?))),
                );
                let mut rest = serde_json::Map::new();
                if let Some(identifier) = params.identifier {
                    rest.insert("identifier".into(), identifier.into());
                }
                if let Some(token) = params.work_done_token {
                    rest.insert("workDoneToken".into(), token);
                }
                if let Some(token) = params.partial_result_token {
                    rest.insert("partialResultToken".into(), token);
                }
                let ids = Arc::new(ids);
                self.lock().last = Some((raw.to_vec(), rest.clone(), ids.clone()));
                (rest, ids)
            }
        };
        let marker = {
            let mut stash = self.lock();
            stash.next += 1;
            let n = stash.next;
            if stash.pulls.len() == KEPT {
                stash.pulls.pop_front();
            }
            stash.pulls.push_back((n, ids));
            format!("{SCHEME}{:016x}/{n}", stash.nonce)
        };
        params.insert(
            "previousResultIds".into(),
            serde_json::json!([{ "uri": marker, "value": "" }]),
        );
        let small = serde_json::json!({
            "jsonrpc": "2.0",
            "id": pull.id,
            "method": "workspace/diagnostic",
            "params": params,
        });
        serde_json::to_vec(&small).ok()
    }

    /// The result ids a pull's placeholder names, taken out of the stash; `None` when `uri`
    /// is not this session's placeholder.
    pub fn claim(&self, uri: &str) -> Option<Arc<PreviousResults>> {
        let rest = uri.strip_prefix(SCHEME)?;
        let (nonce, n) = rest.split_once('/')?;
        let mut stash = self.lock();
        if u64::from_str_radix(nonce, 16).ok()? != stash.nonce {
            return None;
        }
        let n: u64 = n.parse().ok()?;
        let at = stash.pulls.iter().position(|(k, _)| *k == n)?;
        stash.pulls.remove(at).map(|(_, ids)| ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pull(ids: &[(String, String)]) -> Vec<u8> {
        let previous: Vec<Value> = ids
            .iter()
            .map(|(uri, value)| serde_json::json!({ "uri": uri, "value": value }))
            .collect();
        serde_json::to_vec(&serde_json::json!({
            "jsonrpc": "2.0", "id": 3, "method": "workspace/diagnostic",
            "params": { "identifier": "annals", "previousResultIds": previous, "partialResultToken": "p1" }
        }))
        .unwrap()
    }

    #[test]
    fn a_large_pull_reaches_its_handler_whole() {
        let stash = PullIds::default();
        let ours = ResultId::for_test(7).to_wire();
        let ids: Vec<(String, String)> = (0..3000)
            .map(|k| (format!("file:///corpus/articles/a{k}.md"), ours.clone()))
            .chain([("file:///corpus/b.md".to_string(), "someone-else".to_string())])
            .collect();
        let small = stash
            .take_pull(&pull(&ids))
            .expect("a pull above the threshold is taken");
        assert!(small.len() < 400, "{}", String::from_utf8_lossy(&small));
        let small: Value = serde_json::from_slice(&small).unwrap();
        assert_eq!(small["id"], 3);
        assert_eq!(small["params"]["identifier"], "annals");
        assert_eq!(small["params"]["partialResultToken"], "p1");
        let marker = small["params"]["previousResultIds"][0]["uri"].as_str().unwrap();
        let taken = stash.claim(marker).expect("the marker names the stash");
        assert_eq!(taken.len(), 3000, "ids of another process are dropped");
        assert_eq!(
            taken.get("file:///corpus/articles/a17.md"),
            Some(&ResultId::for_test(7))
        );
        assert!(stash.claim(marker).is_none(), "taken once");
        // The same pull again (a client polling): the same ids, read once.
        let again: Value = serde_json::from_slice(&stash.take_pull(&pull(&ids)).unwrap()).unwrap();
        let marker = again["params"]["previousResultIds"][0]["uri"].as_str().unwrap();
        assert!(Arc::ptr_eq(&stash.claim(marker).unwrap(), &taken), "reused");
        // A pull with one id changed is read anew.
        let mut changed = ids.clone();
        changed[5].1 = ResultId::for_test(8).to_wire();
        let next: Value = serde_json::from_slice(&stash.take_pull(&pull(&changed)).unwrap()).unwrap();
        let marker = next["params"]["previousResultIds"][0]["uri"].as_str().unwrap();
        let read = stash.claim(marker).unwrap();
        assert_eq!(read.get("file:///corpus/articles/a5.md"), Some(&ResultId::for_test(8)));
        assert_eq!(read.get("file:///corpus/articles/a6.md"), Some(&ResultId::for_test(7)));
    }

    #[test]
    fn small_requests_other_methods_and_foreign_markers_pass() {
        let stash = PullIds::default();
        let few = [("file:///a.md".to_string(), "x-1".to_string())];
        assert!(stash.take_pull(&pull(&few)).is_none(), "below the threshold");
        let padding = "x".repeat(THRESHOLD);
        let open = serde_json::to_vec(&serde_json::json!({
            "jsonrpc": "2.0", "method": "textDocument/didOpen",
            "params": { "textDocument": { "uri": "file:///a.md", "text": format!("workspace/diagnostic {padding}") } }
        }))
        .unwrap();
        assert!(stash.take_pull(&open).is_none(), "another method");
        assert!(stash.claim("annals-request:///0000000000000000/1").is_none());
        assert!(stash.claim("file:///a.md").is_none());
        // A stash is bounded: pulls never claimed do not pile up.
        let ids: Vec<(String, String)> = (0..3000).map(|k| (format!("file:///a{k}.md"), "1-1".into())).collect();
        for _ in 0..10 {
            stash.take_pull(&pull(&ids)).unwrap();
        }
        assert_eq!(stash.lock().pulls.len(), KEPT);
    }
}
