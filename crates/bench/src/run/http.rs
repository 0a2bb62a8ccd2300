//! A small HTTP/1.1 client (hyper) that times each request from send to
//! the last byte of the body.

use anyhow::{Context, Result};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use std::time::{Duration, Instant};

#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    timeout: Duration,
}

/// One answered request.
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
    pub seconds: f64,
}

impl Http {
    pub fn new(port: u16, timeout: Duration) -> Http {
        Http {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://127.0.0.1:{port}"),
            timeout,
        }
    }

    async fn send(&self, req: hyper::Request<Full<Bytes>>) -> Result<Answer> {
        let started = Instant::now();
        let fut = async {
            let res = self.client.request(req).await?;
            let status = res.status().as_u16();
            let body = res.into_body().collect().await?.to_bytes();
            anyhow::Ok((status, body))
        };
        let (status, body) = tokio::time::timeout(self.timeout, fut)
            .await
            .context("request timed out")??;
        Ok(Answer {
            status,
            body,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    pub async fn get(&self, path_and_query: &str) -> Result<Answer> {
        let req = hyper::Request::get(format!("{}{path_and_query}", self.base))
            .body(Full::new(Bytes::new()))?;
        self.send(req).await
    }

    /// A POST of `body` as `content_type` (a form, a multipart upload).
    pub async fn post(
        &self,
        path_and_query: &str,
        content_type: &str,
        body: Bytes,
    ) -> Result<Answer> {
        let req = hyper::Request::post(format!("{}{path_and_query}", self.base))
            .header("content-type", content_type)
            .body(Full::new(body))?;
        self.send(req).await
    }

    pub async fn post_json(&self, path_and_query: &str, body: Bytes) -> Result<Answer> {
        let req = hyper::Request::post(format!("{}{path_and_query}", self.base))
            .header("content-type", "application/json")
            .body(Full::new(body))?;
        self.send(req).await
    }
}

/// `s` percent-encoded for a query string.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
