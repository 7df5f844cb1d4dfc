//! The native ceiling of `python -m autobahn.benchmark.echo`: a WebSocket echo server on one
//! thread (tokio's current-thread runtime) with fastwebsockets, echoing whole messages.
//!
//! Usage: `native-echo PORT [CERT.pem KEY.pem]` (with the two files it listens with TLS).
//! Listens on 127.0.0.1. No extension is negotiated (fastwebsockets has no permessage-deflate).

use std::fs::File;
use std::io::BufReader;
use std::sync::Arc;

use fastwebsockets::upgrade::{upgrade, UpgradeFut};
use fastwebsockets::{FragmentCollector, OpCode, WebSocketError};
use http_body_util::Empty;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// The largest message echoed, as in the Python servers of the benchmark (its MAX_SIZE).
const MAX_MESSAGE_SIZE: usize = 64 << 20;

async fn echo(upgrading: UpgradeFut) -> Result<(), WebSocketError> {
    let mut ws = upgrading.await?;
    ws.set_max_message_size(MAX_MESSAGE_SIZE);
    // fastwebsockets replies to pings and closes by itself and validates text: a message in one
    // frame with simdutf8 (the `simd` feature), a fragmented one piece by piece as the collector
    // reassembles it. Invalid UTF-8 ends the connection with an error (no 1007 close frame).
    let mut ws = FragmentCollector::new(ws);
    loop {
        let frame = ws.read_frame().await?;
        match frame.opcode {
            OpCode::Close => return Ok(()),
            OpCode::Text | OpCode::Binary => ws.write_frame(frame).await?,
            _ => {}
        }
    }
}

async fn handshake(
    mut request: Request<Incoming>,
) -> Result<Response<Empty<Bytes>>, WebSocketError> {
    let (response, upgrading) = upgrade(&mut request)?;
    tokio::spawn(async move {
        if let Err(error) = echo(upgrading).await {
            eprintln!("native-echo: {error}");
        }
    });
    Ok(response)
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(stream: S) {
    let connection =
        http1::Builder::new().serve_connection(TokioIo::new(stream), service_fn(handshake));
    if let Err(error) = connection.with_upgrades().await {
        eprintln!("native-echo: {error}");
    }
}

fn tls_acceptor(cert_path: &str, key_path: &str) -> TlsAcceptor {
    let certs = rustls_pemfile::certs(&mut BufReader::new(
        File::open(cert_path).expect("certificate file"),
    ))
    .collect::<Result<Vec<_>, _>>()
    .expect("certificate PEM");
    let key =
        rustls_pemfile::private_key(&mut BufReader::new(File::open(key_path).expect("key file")))
            .expect("key PEM")
            .expect("a private key");
    // ring builds without cmake (aws-lc-rs needs it); rustls deprecates its provider only for
    // lacking post-quantum key exchange, beside the point on 127.0.0.1.
    #[allow(deprecated)]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("certificate and key");
    TlsAcceptor::from(Arc::new(config))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args
        .get(1)
        .and_then(|p| p.parse().ok())
        .expect("usage: native-echo PORT [CERT KEY]");
    let tls = match (args.get(2), args.get(3)) {
        (Some(cert), Some(key)) => Some(tls_acceptor(cert, key)),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.expect("bind");
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            // As asyncio does for its TCP transports: no Nagle delay on small echoes.
            let _ = stream.set_nodelay(true);
            match tls.clone() {
                None => {
                    tokio::spawn(serve(stream));
                }
                Some(acceptor) => {
                    tokio::spawn(async move {
                        match acceptor.accept(stream).await {
                            Ok(stream) => serve(stream).await,
                            Err(error) => eprintln!("native-echo: TLS: {error}"),
                        }
                    });
                }
            }
        }
    });
}
