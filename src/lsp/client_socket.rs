//! The server's side of the connection to the client: tower-lsp-server's `ClientSocket`, with
//! the server's own requests and notifications made as JSON-RPC 2.0 wants them. tower-lsp-server
//! writes `"params": null` for a request without parameters (`workspace/diagnostic/refresh`,
//! `workspace/inlayHint/refresh`), where JSON-RPC allows only an object, an array or no
//! `params` at all (the conformance test, `tests/lsp_conformance.rs`, found it).

use futures::{Sink, Stream, StreamExt};
use std::pin::Pin;
use std::task::{Context, Poll};
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{ClientSocket, Loopback};

pub struct Socket(ClientSocket);

impl Socket {
    pub fn new(socket: ClientSocket) -> Socket {
        Socket(socket)
    }

    /// The server's requests, and where the client's answers go (as `ClientSocket::split`).
    pub fn split(
        self,
    ) -> (
        futures::stream::SplitStream<Socket>,
        futures::stream::SplitSink<Socket, Response>,
    ) {
        Loopback::split(self)
    }
}

/// The request without `params` when they are `null`.
fn without_null_params(request: Request) -> Request {
    if request.params().is_some_and(|p| p.is_null()) {
        let (method, id, _) = request.into_parts();
        let builder = Request::build(method);
        return match id {
            Some(id) => builder.id(id).finish(),
            None => builder.finish(),
        };
    }
    request
}

impl Stream for Socket {
    type Item = Request;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Request>> {
        Pin::new(&mut self.0).poll_next(cx).map(|r| r.map(without_null_params))
    }
}

impl Sink<Response> for Socket {
    type Error = <ClientSocket as Sink<Response>>::Error;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Pin::new(&mut self.0).poll_ready(cx)
    }

    fn start_send(mut self: Pin<&mut Self>, response: Response) -> Result<(), Self::Error> {
        Pin::new(&mut self.0).start_send(response)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Pin::new(&mut self.0).poll_close(cx)
    }
}

impl Loopback for Socket {
    type RequestStream = futures::stream::SplitStream<Socket>;
    type ResponseSink = futures::stream::SplitSink<Socket, Response>;

    fn split(self) -> (Self::RequestStream, Self::ResponseSink) {
        let (sink, stream) = StreamExt::split(self);
        (stream, sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_params_are_left_out_and_others_kept() {
        let refresh = Request::build("workspace/diagnostic/refresh")
            .params(serde_json::Value::Null)
            .id(3)
            .finish();
        let sent = serde_json::to_value(without_null_params(refresh)).unwrap();
        assert_eq!(
            sent,
            serde_json::json!({ "jsonrpc": "2.0", "method": "workspace/diagnostic/refresh", "id": 3 })
        );
        let progress = Request::build("$/progress")
            .params(serde_json::json!({ "token": 1 }))
            .finish();
        let sent = serde_json::to_value(without_null_params(progress)).unwrap();
        assert_eq!(sent["params"], serde_json::json!({ "token": 1 }));
    }
}
