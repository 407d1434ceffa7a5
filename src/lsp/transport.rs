//! The wire under tower-lsp-server. Its codec ends the session at the first frame it cannot
//! decode, so frames are read and checked here first: a malformed message gets an error
//! answer and the server reads on from the next `Content-Length` header; a message above
//! `MAX_MESSAGE` is answered with an error and ends the session cleanly (its length cannot
//! be trusted, so there is nowhere to resume from). The server's own output passes through
//! a writer that interleaves these answers between whole frames.

use super::large_answer::LargeAnswers;
use super::large_request::PullIds;
use serde_json::{Value, json};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message read: a didOpen of a document at the largest sensible size limit,
/// JSON-escaped, with room to spare. One message must not take unbounded memory.
pub const MAX_MESSAGE: usize = 256 << 20;
/// The longest header line; a longer one is garbage.
const MAX_HEADER_LINE: usize = 4096;

/// What one read from the client gives.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// A well-formed JSON-RPC message: its body.
    Message(Vec<u8>),
    /// A frame to answer with an error (and skip).
    Bad {
        id: Value,
        code: i64,
        message: String,
    },
    /// A length above `MAX_MESSAGE`: answered, then the input ends.
    TooLarge(usize),
    End,
}

/// Reads one line of at most `MAX_HEADER_LINE` bytes into `line` (without its `\n`).
/// Returns None at the end of input, Some(false) when the line was longer (the rest is skipped).
async fn header_line<R: AsyncBufRead + Unpin>(r: &mut R, line: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut fits = true;
    let mut any = false;
    loop {
        let buf = r.fill_buf().await?;
        if buf.is_empty() {
            return Ok(any.then_some(fits));
        }
        any = true;
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(k) => (k + 1, true),
            None => (buf.len(), false),
        };
        let room = MAX_HEADER_LINE.saturating_sub(line.len());
        if take > room {
            fits = false;
        }
        line.extend_from_slice(&buf[..take.min(room)]);
        r.consume(take);
        if done {
            while line.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                line.pop();
            }
            return Ok(Some(fits));
        }
    }
}

fn content_length(line: &[u8]) -> Option<Option<usize>> {
    let text = std::str::from_utf8(line).ok()?;
    let (name, value) = text.split_once(':')?;
    name.trim()
        .eq_ignore_ascii_case("content-length")
        .then(|| value.trim().parse().ok())
}

/// A header line: `Name: value`, the name made of letters, digits and dashes.
fn is_header(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0 && line[..colon].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-') && line.is_ascii()
}

/// Where `Content-Length:` starts in a line of garbage, if it does.
fn find_content_length(line: &[u8]) -> Option<usize> {
    const NEEDLE: &[u8] = b"content-length:";
    line.windows(NEEDLE.len()).position(|w| w.eq_ignore_ascii_case(NEEDLE))
}

/// Reads frames from the client. After a malformed header, lines are skipped up to the
/// next `Content-Length` header, even in the middle of a line: that is where the next
/// message most likely starts.
pub struct FrameReader<R> {
    input: R,
    /// Whether bodies are checked (the client's) or passed as they are (the server's own).
    check: bool,
    resyncing: bool,
    /// The part of a garbage line from its `Content-Length:` on.
    pending: Option<Vec<u8>>,
    /// Where a large workspace pull's result ids go before the Value layer (`large_request`).
    pulls: Option<PullIds>,
}

impl<R: AsyncBufRead + Unpin> FrameReader<R> {
    pub fn new(input: R, check: bool) -> Self {
        FrameReader {
            input,
            check,
            resyncing: false,
            pending: None,
            pulls: None,
        }
    }

    /// Large workspace pulls leave their result ids in `pulls` (client input only).
    pub fn with_pulls(mut self, pulls: Option<PullIds>) -> Self {
        self.pulls = pulls;
        self
    }

    async fn line(&mut self, line: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
        match self.pending.take() {
            Some(p) => {
                *line = p;
                Ok(Some(true))
            }
            None => header_line(&mut self.input, line).await,
        }
    }

    pub async fn read_frame(&mut self) -> std::io::Result<Frame> {
        let mut line = Vec::new();
        let mut length: Option<usize> = None;
        let mut malformed = false;
        loop {
            let Some(fits) = self.line(&mut line).await? else {
                return Ok(Frame::End);
            };
            if self.resyncing {
                match find_content_length(&line) {
                    Some(k) => {
                        line.drain(..k);
                        self.resyncing = false;
                    }
                    None => continue,
                }
            }
            if line.is_empty() {
                if length.is_some() || malformed {
                    break;
                }
                continue; // A stray blank line between messages.
            }
            if fits && is_header(&line) {
                match content_length(&line) {
                    Some(Some(n)) => length = Some(n),
                    Some(None) => malformed = true,
                    None => {} // Other headers (Content-Type) are allowed and ignored.
                }
                continue;
            }
            self.resyncing = true;
            if let Some(k) = find_content_length(&line).filter(|&k| k > 0) {
                self.pending = Some(line[k..].to_vec());
            }
            return Ok(Frame::Bad {
                id: Value::Null,
                code: -32700,
                message: "annals: malformed message header (expected `Content-Length: N`); skipped to the next message"
                    .into(),
            });
        }
        let Some(length) = length.filter(|_| !malformed) else {
            return Ok(Frame::Bad {
                id: Value::Null,
                code: -32700,
                message: "annals: message without a valid Content-Length; skipped".into(),
            });
        };
        if length > MAX_MESSAGE {
            return Ok(Frame::TooLarge(length));
        }
        let mut body = Vec::with_capacity(length.min(1 << 20));
        let read = (&mut self.input).take(length as u64).read_to_end(&mut body).await?;
        if read < length {
            return Ok(Frame::End); // The input ended inside the message.
        }
        let body = match &self.pulls {
            Some(pulls) => pulls.take_pull(&body).unwrap_or(body),
            None => body,
        };
        Ok(if self.check {
            check_body(body)
        } else {
            Frame::Message(body)
        })
    }
}

/// A body tower-lsp-server can decode passes; anything else is answered here, by id when it has one.
fn check_body(body: Vec<u8>) -> Frame {
    if serde_json::from_slice::<Request>(&body).is_ok() || serde_json::from_slice::<Response>(&body).is_ok() {
        return Frame::Message(body);
    }
    // Not a message: read it again, only to say why and to answer by its id.
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Frame::Bad {
                id: Value::Null,
                code: -32700,
                message: format!("annals: the message is not JSON ({e}); skipped"),
            };
        }
    };
    let id = value.get("id").cloned().unwrap_or(Value::Null);
    Frame::Bad {
        id: if id.is_string() || id.is_number() {
            id
        } else {
            Value::Null
        },
        code: -32600,
        message: "annals: not a JSON-RPC 2.0 request, notification or response; skipped".into(),
    }
}

/// The header of a frame whose body is `length` bytes.
fn header(length: usize) -> Vec<u8> {
    format!("Content-Length: {length}\r\n\r\n").into_bytes()
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = header(body.len());
    out.extend_from_slice(body);
    out
}

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let body = json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    frame(body.to_string().as_bytes())
}

/// Copies the client's frames to the server, answering bad ones through `answers`.
pub async fn read_client(
    input: impl AsyncRead + Unpin,
    mut server: impl AsyncWrite + Unpin,
    answers: mpsc::UnboundedSender<Vec<u8>>,
    pulls: Option<PullIds>,
) {
    let mut input = FrameReader::new(BufReader::with_capacity(1 << 16, input), true).with_pulls(pulls);
    loop {
        match input.read_frame().await {
            Ok(Frame::Message(body)) => {
                if server.write_all(&header(body.len())).await.is_err() || server.write_all(&body).await.is_err() {
                    break; // The server has ended.
                }
            }
            Ok(Frame::Bad { id, code, message }) => {
                eprintln!("{message}");
                let _ = answers.send(error_frame(id, code, &message));
            }
            Ok(Frame::TooLarge(n)) => {
                let message = format!(
                    "annals: a message of {n} bytes is above the limit of {MAX_MESSAGE} bytes; the session ends"
                );
                eprintln!("{message}");
                let _ = answers.send(error_frame(Value::Null, -32600, &message));
                break;
            }
            Ok(Frame::End) | Err(_) => break,
        }
    }
    let _ = server.shutdown().await;
}

/// How much of the client's input may wait between the stdin thread and the frame reader.
const PIPE_BUFFER: usize = 4 << 20;

/// Standard input, read on a thread of its own in reads of up to 1 MiB. tokio's stdin sends
/// every read of at most 64 KiB through the blocking pool and back: a 1.5 MB workspace pull
/// (VS Code's, with 12,000 result ids) took 23 such trips, 15 ms of the pull's 18.
pub fn stdin(runtime: tokio::runtime::Handle) -> tokio::io::DuplexStream {
    let (mut to_reader, from_stdin) = tokio::io::duplex(PIPE_BUFFER);
    let spawned = std::thread::Builder::new().name("annals-stdin".into()).spawn(move || {
        use std::io::Read;
        let mut stdin = std::io::stdin().lock();
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            match stdin.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => {
                    if runtime.block_on(to_reader.write_all(&buffer[..n])).is_err() {
                        break; // The reader has ended.
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        // Dropping the writer ends the reader's input.
    });
    if let Err(e) = spawned {
        eprintln!("annals: error: cannot start the thread that reads standard input: {e}");
    }
    from_stdin
}

/// Standard output, written on a thread of its own: each write of tokio's stdout is a trip
/// through the blocking pool, one per 64 KiB of a large answer. The receiver hears when the
/// thread has written everything (or the client has gone): the process must not exit before,
/// or the last message (the answer to `shutdown`, an error before the end) may never arrive.
pub fn stdout(runtime: tokio::runtime::Handle) -> (tokio::io::DuplexStream, std::sync::mpsc::Receiver<()>) {
    let (to_stdout, mut from_writer) = tokio::io::duplex(PIPE_BUFFER);
    let (done, written) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("annals-stdout".into()).spawn(move || {
        use std::io::Write;
        use tokio::io::AsyncReadExt;
        let mut stdout = std::io::stdout().lock();
        let mut buffer = vec![0u8; 1 << 20];
        loop {
            match runtime.block_on(from_writer.read(&mut buffer)) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if stdout.write_all(&buffer[..n]).and_then(|()| stdout.flush()).is_err() {
                        break; // The client has gone.
                    }
                }
            }
        }
        let _ = done.send(());
    });
    if let Err(e) = spawned {
        eprintln!("annals: error: cannot start the thread that writes standard output: {e}");
    }
    (to_stdout, written)
}

/// Copies the server's frames to the client, with the reader's answers between them.
pub async fn write_client(
    server: impl AsyncRead + Unpin + Send + 'static,
    mut answers: mpsc::UnboundedReceiver<Vec<u8>>,
    output: impl AsyncWrite + Unpin,
    large_answers: Option<LargeAnswers>,
) {
    let mut output = tokio::io::BufWriter::with_capacity(1 << 16, output);
    // Reading a frame is not cancel-safe, so whole frames come from their own task through a
    // channel (whose recv is), and an answer can never split one. A frame travels as pieces
    // (header, body, or a large answer's parts), so megabytes are not copied into one buffer again.
    let (frames_tx, mut frames) = mpsc::channel::<Vec<Vec<u8>>>(16);
    let recycle = large_answers.clone();
    tokio::spawn(async move {
        let mut server = FrameReader::new(BufReader::with_capacity(1 << 16, server), false);
        while let Ok(Frame::Message(body)) = server.read_frame().await {
            let body = match &large_answers {
                Some(large) => large.splice(body),
                None => vec![body],
            };
            let length: usize = body.iter().map(Vec::len).sum();
            let mut pieces = vec![header(length)];
            pieces.extend(body);
            if frames_tx.send(pieces).await.is_err() {
                break;
            }
        }
    });
    loop {
        let pieces = tokio::select! {
            biased;
            Some(answer) = answers.recv() => vec![answer],
            next = frames.recv() => match next {
                Some(pieces) => pieces,
                None => break, // The server has ended.
            },
        };
        for piece in &pieces {
            if output.write_all(piece).await.is_err() {
                return;
            }
        }
        // Each write to stdout is a trip through tokio's blocking pool: frames that are already
        // waiting (10,000 diagnostics after indexing) go out together, in the buffer's writes.
        if frames.is_empty() && answers.is_empty() && output.flush().await.is_err() {
            return;
        }
        if let Some(large) = &recycle
            && pieces.len() > 2
        {
            pieces.into_iter().for_each(|piece| large.recycle(piece));
        }
    }
    while let Ok(answer) = answers.try_recv() {
        let _ = output.write_all(&answer).await;
    }
    let _ = output.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut r = FrameReader::new(BufReader::new(input), true);
        let mut out = Vec::new();
        loop {
            let f = r.read_frame().await.unwrap();
            match f {
                Frame::End => return out,
                // read_client stops there.
                Frame::TooLarge(_) => {
                    out.push(f);
                    return out;
                }
                f => out.push(f),
            }
        }
    }

    fn msg(body: &str) -> Vec<u8> {
        frame(body.as_bytes())
    }

    const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

    fn codes(frames: &[Frame]) -> Vec<String> {
        frames
            .iter()
            .map(|f| match f {
                Frame::Message(b) => String::from_utf8_lossy(b).into_owned(),
                Frame::Bad { id, code, .. } => format!("{code} {id}"),
                Frame::TooLarge(n) => format!("too large {n}"),
                Frame::End => "end".into(),
            })
            .collect()
    }

    #[tokio::test]
    async fn bad_frames_are_answered_and_reading_resumes() {
        let mut input = Vec::new();
        input.extend(msg("{not json}"));
        input.extend(msg(r#"{"jsonrpc":"2.0","id":7,"method":5}"#));
        input.extend(b"hello there\r\n{\"a\": 1}\r\n\r\n");
        input.extend(msg(EXIT));
        input.extend(b"Content-Length: x\r\n\r\n");
        input.extend(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");
        input.extend(msg(EXIT));
        let frames = frames(&input).await;
        assert_eq!(
            codes(&frames),
            ["-32700 null", "-32600 7", "-32700 null", EXIT, "-32700 null", EXIT]
        );
    }

    #[tokio::test]
    async fn lying_lengths_end_or_resynchronise() {
        // Shorter than the body: the rest is garbage up to the next header.
        let mut input = b"Content-Length: 5\r\n\r\n".to_vec();
        input.extend(EXIT.as_bytes());
        input.extend(msg(EXIT));
        assert_eq!(codes(&frames(&input).await), ["-32700 null", "-32700 null", EXIT]);
        // Longer than anything that follows: the input ends inside it.
        let mut input = b"Content-Length: 500\r\n\r\n".to_vec();
        input.extend(msg(EXIT));
        assert_eq!(codes(&frames(&input).await), Vec::<String>::new());
        // Above the limit: never buffered.
        let input = b"Content-Length: 99999999999\r\n\r\n{}".to_vec();
        assert_eq!(codes(&frames(&input).await), ["too large 99999999999"]);
        // A header line without end.
        let mut input = vec![b'x'; 100_000];
        input.extend(b"\r\n");
        input.extend(msg(EXIT));
        assert_eq!(codes(&frames(&input).await), ["-32700 null", EXIT]);
    }
}
