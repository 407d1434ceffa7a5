//! `annals lsp`: the editor face. Speaks LSP over stdio with tower-lsp-server and
//! answers from the same analysis core as `annals check`.

pub mod capabilities;
pub mod client_socket;
pub mod convert;
pub mod dispatch;
pub mod findings_cache;
pub mod global_state;
pub mod handlers;
pub mod large_answer;
pub mod large_request;
pub mod server;
pub mod tasks;
pub mod to_proto;
pub mod transport;

pub use server::{Options, Server};

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{ExitedError, LspService};

/// The server as a tower service: tower-lsp-server's `LspService`, with the `initialize`
/// answer completed by what ls-types cannot say (`capabilities::complete_initialize_result`).
pub struct Service {
    inner: LspService<Server>,
}

impl tower::Service<Request> for Service {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let initialize = request.method() == "initialize";
        let answer = self.inner.call(request);
        if !initialize {
            return answer;
        }
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|response| {
                let (id, body) = response.into_parts();
                Response::from_parts(
                    id,
                    body.map(|mut result| {
                        capabilities::complete_initialize_result(&mut result);
                        result
                    }),
                )
            }))
        })
    }
}

/// A server and its client socket, for stdio or for tests, and the flag that says
/// whether `shutdown` was received (exit status 0) before `exit`.
pub fn service(options: Options) -> (Service, client_socket::Socket, Arc<AtomicBool>) {
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let test_hooks = options.test_hooks;
    let mut builder = LspService::build(move |client| Server::new(client, flag, &options))
        .custom_method("annals/render", Server::render);
    if test_hooks {
        builder = builder
            .custom_method("annals/crash", Server::crash)
            .custom_method("annals/hold", Server::hold);
    }
    let (inner, socket) = builder.finish();
    (Service { inner }, client_socket::Socket::new(socket), shut_down)
}

/// Serves LSP on stdin/stdout until `exit`. Returns the exit status: 0 after
/// `shutdown`, 1 when `exit` came without it (or the input closed).
pub fn run_stdio() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("annals: error: cannot start the runtime: {e}");
            return 1;
        }
    };
    let (stdout, stdout_written) = transport::stdout(runtime.handle().clone());
    // The session runs on the workers, not on this thread: under `block_on` each message the
    // server sends was a hand-off between this thread and a worker, each a futex wake and park
    // (100,000 dense articles: publishing every document's diagnostics took 4 s, 40 % of it in
    // the scheduler; on the workers 2.4-2.9 s, 1.5 s less CPU).
    let status = runtime.block_on(async { tokio::spawn(serve_stdio(stdout)).await.unwrap_or(1) });
    // And the stdout thread write it out; a client that stopped reading gets 5 s.
    let _ = stdout_written.recv_timeout(std::time::Duration::from_secs(5));
    // A read of stdin may still be blocked in its thread: do not wait for it.
    runtime.shutdown_background();
    status
}

/// One session over stdin and `stdout` (the writing thread's end); its exit status.
async fn serve_stdio(stdout: tokio::io::DuplexStream) -> i32 {
    let large_answers = large_answer::LargeAnswers::default();
    let pull_ids = large_request::PullIds::default();
    let (service, socket, shut_down) = service(Options {
        large_answers: Some(large_answers.clone()),
        pull_ids: Some(pull_ids.clone()),
        ..Options::default()
    });
    // Frames pass through `transport`, which answers malformed ones and reads on.
    let (to_server, server_input) = tokio::io::duplex(1 << 20);
    let (server_output, from_server) = tokio::io::duplex(1 << 20);
    let (answers_tx, answers_rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = tokio::runtime::Handle::current();
    tokio::spawn(transport::read_client(
        transport::stdin(handle),
        to_server,
        answers_tx,
        Some(pull_ids),
    ));
    let writer = tokio::spawn(transport::write_client(
        from_server,
        answers_rx,
        stdout,
        Some(large_answers),
    ));
    tower_lsp_server::Server::new(server_input, server_output, socket)
        .serve(service)
        .await;
    // The server's output is closed now: let the writer send what is left.
    let _ = writer.await;
    if shut_down.load(Ordering::SeqCst) { 0 } else { 1 }
}
