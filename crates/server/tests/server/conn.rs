//! Slow clients on real sockets (127.0.0.1): half-sent headers and clients
//! that stop reading are closed within the configured timeouts, and the
//! server keeps answering others while they hold connection slots.

use crate::common::Live;
use eligo_server::Settings;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(20);

fn quick(settings: Settings) -> Settings {
    Settings {
        secure_cookies: false,
        ..settings
    }
}

/// Read until the server closes the connection (EOF or reset); the bytes read.
async fn until_closed(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return out,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

async fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    String::from_utf8_lossy(&until_closed(&mut s).await).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_off_and_others_still_get_answers() {
    let live = Live::with(quick(Settings {
        header_timeout: Duration::from_secs(1),
        max_connections: 16,
        ..Settings::default()
    }))
    .await;
    let addr = live.base.trim_start_matches("http://").to_string();
    // More slow clients than connection slots, each sending half a header.
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = TcpStream::connect(&addr).await.expect("connect");
        s.write_all(b"GET /api/v1/search HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    let started = Instant::now();
    let r = timeout(LIMIT, get(&addr, "/static/style.css"))
        .await
        .expect("a normal client is answered while slow ones wait");
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    for (i, s) in slow.iter_mut().enumerate() {
        timeout(LIMIT, until_closed(s))
            .await
            .unwrap_or_else(|_| panic!("slow client {i} still open after {LIMIT:?}"));
    }
    // 40 clients through 16 slots at 1 s each: about 3 s, never the limit.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    // A kept-alive connection left idle is closed too.
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"GET /static/app.js HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let idle = Instant::now();
    let body = timeout(LIMIT, until_closed(&mut s))
        .await
        .expect("idle close");
    assert!(String::from_utf8_lossy(&body).starts_with("HTTP/1.1 200"));
    assert!(
        idle.elapsed() >= Duration::from_millis(900),
        "{:?}",
        idle.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_disconnected() {
    let live = Live::with(quick(Settings {
        write_timeout: Duration::from_secs(1),
        ..Settings::default()
    }))
    .await;
    let addr: std::net::SocketAddr = live.base.trim_start_matches("http://").parse().unwrap();
    // Once to build the catalog, once to time a page.
    get(&addr.to_string(), "/trials/NCT06946485").await;
    let t0 = Instant::now();
    let page = get(&addr.to_string(), "/trials/NCT06946485").await;
    let per_page = t0.elapsed();
    assert!(page.starts_with("HTTP/1.1 200"));
    // Pipelined requests for 4 times what the kernel's socket buffers can
    // hold (4 MiB for sending here), then read nothing.
    let n = (16 * 1024 * 1024 / page.len()).clamp(8, 4000);
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut s = socket.connect(addr).await.expect("connect");
    let one = "GET /trials/NCT06946485 HTTP/1.1\r\nHost: t\r\n\r\n";
    s.write_all(one.repeat(n).as_bytes()).await.unwrap();
    // Long enough to fill the buffers (twice the time to render what fills
    // them) and then to stall for the write timeout.
    let fill = (8 * 1024 * 1024 / page.len()) as u32 + 1;
    let wait = Duration::from_secs(3) + per_page * fill * 2;
    tokio::time::sleep(wait).await;
    let got = timeout(LIMIT, until_closed(&mut s))
        .await
        .expect("the server closed the stalled connection");
    let answered = String::from_utf8_lossy(&got)
        .matches("HTTP/1.1 200")
        .count();
    assert!(
        answered < n,
        "all {n} responses were written to a client that read nothing for {wait:?}"
    );
    // The server still answers.
    let r = timeout(
        LIMIT,
        get(&live.base.replace("http://", ""), "/static/app.js"),
    )
    .await
    .unwrap();
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
}
