//! A client for `annals lsp` over stdio: JSON-RPC framed by Content-Length. Used by the
//! stdio test suite and the benchmarks.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    /// Each message with the moment its last byte was read (before it was parsed).
    messages: mpsc::Receiver<(std::time::Instant, Value)>,
    next_id: i64,
    /// Whether the server's own requests get an answer (a silent client tests the bounded wait).
    pub answers_server_requests: bool,
    /// Every message the server sent, in order, once set to `Some` (the conformance test).
    pub received: Option<Vec<Value>>,
    /// The method of each request this client sent, by id.
    pub sent: std::collections::HashMap<i64, String>,
    /// Why the reading thread stopped: the output ended, or a frame was not a message.
    stopped: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// Whether the reading thread is parsing a message it has read whole: that time is the
    /// client's, not the server's, and does not count against the wait.
    parsing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    read_timed(reader, &mut Vec::new(), &Default::default())
        .ok()
        .map(|(_, v)| v)
}

/// A message, and when its last byte arrived; or why there is none (the end of the output,
/// or a frame that is not a JSON-RPC message, said with its start). `body` is a buffer
/// reused between messages, so the time of a 17 MB answer does not include the client's
/// page faults on a fresh one.
fn read_timed(
    reader: &mut impl BufRead,
    body: &mut Vec<u8>,
    parsing: &std::sync::atomic::AtomicBool,
) -> Result<(std::time::Instant, Value), String> {
    let mut length = None;
    let mut headers = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) if headers.is_empty() => return Err("the output ended".into()),
            Ok(0) => return Err(format!("the output ended inside a header: {headers:?}")),
            Ok(_) => {}
            Err(e) => return Err(format!("a header could not be read: {e} (after {headers:?})")),
        }
        headers.push_str(&line);
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok();
        }
    }
    let Some(length) = length else {
        return Err(format!("a frame without a Content-Length: {:?}", truncated(&headers)));
    };
    body.resize(length, 0);
    reader
        .read_exact(body)
        .map_err(|e| format!("the output ended inside a {length}-byte message: {e}"))?;
    let arrived = std::time::Instant::now();
    parsing.store(true, std::sync::atomic::Ordering::SeqCst);
    serde_json::from_slice(body).map(|v| (arrived, v)).map_err(|e| {
        format!(
            "a {length}-byte message is not JSON ({e}): {:?}",
            truncated(&String::from_utf8_lossy(body))
        )
    })
}

/// The first 300 characters of what the server sent, to say what went wrong.
fn truncated(text: &str) -> String {
    text.chars().take(300).collect()
}

impl Client {
    pub fn spawn(cwd: &std::path::Path) -> Client {
        Client::spawn_binary(std::path::Path::new(env!("CARGO_BIN_EXE_annals")), cwd)
    }

    pub fn spawn_binary(binary: &std::path::Path, cwd: &std::path::Path) -> Client {
        Client::spawn_logged(binary, cwd, Stdio::null())
    }

    /// As `spawn_binary`, with the server's standard error going to `stderr` (a benchmark
    /// keeps it in a file, so a server that stops says why).
    pub fn spawn_logged(binary: &std::path::Path, cwd: &std::path::Path, stderr: impl Into<Stdio>) -> Client {
        let mut child = Command::new(binary)
            .arg("lsp")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("annals lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = mpsc::channel();
        let stopped = std::sync::Arc::new(std::sync::Mutex::new(None));
        let why = stopped.clone();
        let parsing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy = parsing.clone();
        std::thread::spawn(move || {
            let mut body = Vec::new();
            loop {
                match read_timed(&mut stdout, &mut body, &busy) {
                    Ok(m) => {
                        let sent = tx.send(m);
                        busy.store(false, std::sync::atomic::Ordering::SeqCst);
                        if sent.is_err() {
                            break;
                        }
                    }
                    Err(reason) => {
                        *why.lock().unwrap() = Some(reason);
                        break;
                    }
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 0,
            answers_server_requests: true,
            received: None,
            sent: Default::default(),
            stopped,
            parsing,
        }
    }

    pub fn send(&mut self, value: &Value) {
        let frame = Self::frame(value);
        self.send_raw(&frame);
    }

    /// A message framed by its Content-Length header, ready to write.
    fn frame(value: &Value) -> Vec<u8> {
        let body = serde_json::to_string(value).unwrap();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body.as_bytes());
        frame
    }

    /// Bytes as they are, framed or not.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `initialize` for a corpus folder (no debounce) and `initialized`.
    pub fn initialize(&mut self, root: &std::path::Path, capabilities: Value) -> Value {
        let root_uri = tower_lsp_server::ls_types::Uri::from_file_path(root)
            .unwrap()
            .to_string();
        let init = self.request(
            "initialize",
            json!({ "processId": null, "rootUri": root_uri, "capabilities": capabilities, "workspaceFolders": [{ "uri": root_uri, "name": "corpus" }], "initializationOptions": { "diagnosticsDelay": 0 } }),
        );
        self.notify("initialized", json!({}));
        init
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response, answering the server's own requests meanwhile.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        // The id `request_timed` takes, and its method, for the responses' records.
        self.sent.insert(self.next_id + 1, method.to_string());
        self.request_timed(method, params).1
    }

    /// A request's answer, and the time from sending it to the answer's last byte (the
    /// client's own serializing of the request and parsing of the answer not included).
    pub fn request_timed(&mut self, method: &str, params: Value) -> (Duration, Value) {
        self.next_id += 1;
        let id = self.next_id;
        let frame = Self::frame(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let sent = std::time::Instant::now();
        self.send_raw(&frame);
        // Taken whole, not cloned: at 100,000 articles an answer holds a million locations,
        // and copying it took the benchmark's client longer than the 20 s it waits.
        let (arrived, answer) = self.wait_message(|m| m["id"] == id && m.get("method").is_none());
        (arrived.saturating_duration_since(sent), answer)
    }

    pub fn wait<T>(&mut self, pick: impl FnMut(&Value) -> Option<T>) -> T {
        self.wait_timed(pick).1
    }

    pub fn wait_timed<T>(&mut self, mut pick: impl FnMut(&Value) -> Option<T>) -> (std::time::Instant, T) {
        loop {
            let (arrived, m) = self.next_message();
            if let Some(found) = pick(&m) {
                return (arrived, found);
            }
        }
    }

    /// The first message that `is_it` picks, whole, and when it arrived.
    pub fn wait_message(&mut self, mut is_it: impl FnMut(&Value) -> bool) -> (std::time::Instant, Value) {
        loop {
            let (arrived, m) = self.next_message();
            if is_it(&m) {
                return (arrived, m);
            }
        }
    }

    /// The next message (answering it when it is the server's own request), within 20 s of
    /// the server's time: a message read whole and still being parsed restarts the wait (a
    /// million locations parse into 3 GB of values, and in a VM whose memory is touched for
    /// the first time that took the benchmark's client 17 s).
    fn next_message(&mut self) -> (std::time::Instant, Value) {
        const WAIT: Duration = Duration::from_secs(20);
        let mut deadline = std::time::Instant::now() + WAIT;
        let received = loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.messages.recv_timeout(left.min(Duration::from_millis(500))) {
                Err(mpsc::RecvTimeoutError::Timeout) if self.parsing.load(std::sync::atomic::Ordering::SeqCst) => {
                    deadline = std::time::Instant::now() + WAIT;
                }
                Err(mpsc::RecvTimeoutError::Timeout) if std::time::Instant::now() < deadline => {}
                other => break other,
            }
        };
        let (arrived, m) = match received {
            Ok(message) => message,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the server did not answer within 20 s"),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                "the client stopped reading the server: {} (the server exited: {:?})",
                self.stopped.lock().unwrap().as_deref().unwrap_or("unknown"),
                self.child.try_wait()
            ),
        };
        if let Some(received) = &mut self.received {
            received.push(m.clone());
        }
        self.answer_if_request(&m);
        (arrived, m)
    }

    /// A server-to-client request gets an empty answer, unless this client stays silent.
    fn answer_if_request(&mut self, m: &Value) {
        if self.answers_server_requests && m.get("method").is_some() && m.get("id").is_some() {
            let id = m["id"].clone();
            self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
        }
    }

    /// Every message until none comes for `quiet`: (when each arrived, the message).
    pub fn drain(&mut self, quiet: Duration) -> Vec<(std::time::Instant, Value)> {
        self.drain_map(quiet, Some)
    }

    /// As `drain`, keeping only what `keep` takes from each message: a benchmark that reads
    /// 100,000 publications keeps their uris, not every parsed message (about 2 GB).
    pub fn drain_map<T>(
        &mut self,
        quiet: Duration,
        mut keep: impl FnMut(Value) -> Option<T>,
    ) -> Vec<(std::time::Instant, T)> {
        let mut out = Vec::new();
        while let Ok((arrived, m)) = self.messages.recv_timeout(quiet) {
            self.answer_if_request(&m);
            if let Some(kept) = keep(m) {
                out.push((arrived, kept));
            }
        }
        out
    }

    pub fn exit_status(mut self) -> Option<i32> {
        drop(self.stdin);
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        None
    }
}
