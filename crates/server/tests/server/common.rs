//! A test server: the router over a fresh SQLite registry (the embedded
//! sample), and a small cookie jar.

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use eligo_server::{AppState, Settings, registry};
use eligo_store::Location;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use tower::ServiceExt;

pub struct App {
    pub state: AppState,
    pub router: Router,
    pub _dir: tempfile::TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// The first CSRF token in a form of the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .unwrap_or_else(|| panic!("no csrf field in {}", self.body));
        let rest = &self.body[at + 19..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// Cookies kept across requests, and the client address to claim.
#[derive(Clone, Default)]
pub struct Jar {
    pub cookies: BTreeMap<String, String>,
    pub ip: Option<IpAddr>,
}

impl Jar {
    pub fn from_ip(ip: &str) -> Jar {
        Jar {
            ip: Some(ip.parse().unwrap()),
            ..Jar::default()
        }
    }

    pub fn absorb(&mut self, r: &Resp) {
        for c in r.set_cookies() {
            let first = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
    }

    fn header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn enc(s: &str) -> String {
    let mut out = String::new();
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

impl App {
    pub async fn new() -> App {
        App::with(Settings {
            secure_cookies: false,
            ..Settings::default()
        })
        .await
    }

    pub async fn with(settings: Settings) -> App {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("eligo.db");
        let reg = registry::open_at(&Location::Sqlite(db), &dir.path().join("eligo.db-index"))
            .await
            .expect("open registry");
        let state = AppState::new(reg.store, reg.index, settings);
        App {
            router: eligo_server::app(state.clone()),
            state,
            _dir: dir,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        jar: &mut Jar,
        headers: &[(&str, &str)],
        body: Body,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(c) = jar.header() {
            b = b.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let mut req = b.body(body).expect("request");
        if let Some(ip) = jar.ip {
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(ip, 40_000)));
        }
        let r = self.send(req).await;
        jar.absorb(&r);
        r
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.get_with(path, &mut Jar::default()).await
    }

    /// A request without a body.
    pub async fn empty(
        &self,
        method: Method,
        path: &str,
        jar: &mut Jar,
        headers: &[(&str, &str)],
    ) -> Resp {
        self.request(method, path, jar, headers, Body::empty())
            .await
    }

    pub async fn get_with(&self, path: &str, jar: &mut Jar) -> Resp {
        self.empty(Method::GET, path, jar, &[]).await
    }

    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)], jar: &mut Jar) -> Resp {
        self.request(
            Method::POST,
            path,
            jar,
            &[("content-type", "application/x-www-form-urlencoded")],
            Body::from(form_body(pairs)),
        )
        .await
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: &str,
        jar: &mut Jar,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut h = vec![("content-type", "application/json")];
        h.extend_from_slice(headers);
        self.request(method, path, jar, &h, Body::from(body.to_string()))
            .await
    }

    /// POST a JSON body with no other headers.
    pub async fn post_json(&self, path: &str, body: &str, jar: &mut Jar) -> Resp {
        self.json(Method::POST, path, body, jar, &[]).await
    }

    /// A coordinator account attached to `trials`.
    pub async fn coordinator(&self, email: &str, password: &str, trials: &[&str]) -> i64 {
        let hash = eligo_server::auth::hash_password(password).unwrap();
        let trials: Vec<String> = trials.iter().map(|t| t.to_string()).collect();
        match self
            .state
            .store()
            .create_user(email, &hash, &trials)
            .await
            .unwrap()
        {
            eligo_store::server::CreateUser::Created(id) => id,
            other => panic!("{other:?}"),
        }
    }

    /// Log in through the form; the jar then holds the session.
    pub async fn login(&self, email: &str, password: &str, jar: &mut Jar) -> Resp {
        let page = self.get_with("/login", jar).await;
        let csrf = page.csrf();
        self.post_form(
            "/login",
            &[("csrf", &csrf), ("email", email), ("password", password)],
            jar,
        )
        .await
    }

    /// Fill the pre-screen of `trial` with `answers`; the result page.
    pub async fn prescreen(&self, trial: &str, answers: &[(&str, &str)], jar: &mut Jar) -> Resp {
        let form = self
            .get_with(&format!("/trials/{trial}/prescreen"), jar)
            .await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let csrf = form.csrf();
        let mut pairs = vec![("csrf", csrf.as_str())];
        pairs.extend_from_slice(answers);
        self.post_form(&format!("/trials/{trial}/prescreen"), &pairs, jar)
            .await
    }

    /// Pre-screen and apply with contact details; the confirmation page.
    pub async fn apply(
        &self,
        trial: &str,
        answers: &[(&str, &str)],
        name: &str,
        email: &str,
        jar: &mut Jar,
    ) -> Resp {
        let result = self.prescreen(trial, answers, jar).await;
        assert_eq!(result.status, StatusCode::OK, "{}", result.body);
        let csrf = result.csrf();
        let answers_json = hidden(&result.body, "answers");
        self.post_form(
            &format!("/trials/{trial}/apply"),
            &[
                ("csrf", &csrf),
                ("answers", &answers_json),
                ("name", name),
                ("email", email),
                ("phone", "+86 25 1234 5678"),
                ("consent", "yes"),
            ],
            jar,
        )
        .await
    }
}

/// The value of a hidden input, HTML entities decoded.
pub fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no {name} field"));
    let rest = &html[at + key.len()..];
    unescape_html(&rest[..rest.find('"').unwrap()])
}

pub fn unescape_html(s: &str) -> String {
    s.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

/// An attribute value from the first element carrying `marker`.
pub fn attr(html: &str, marker: &str, attr: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let tag_start = html[..at].rfind('<').unwrap();
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>').unwrap()];
    let key = format!("{attr}=\"");
    let a = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {attr} in {tag}"));
    let rest = &tag[a + key.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Answers that decide much of NCT06946485 (the CHT101 seed trial).
pub const CHT101_ANSWERS: &[(&str, &str)] = &[
    ("age.birth_date", "1990-06-15"),
    ("sex.answer", "female"),
    ("dx-sle.answer", "current"),
    ("dx-sle.onset", "2018-03-01"),
    ("dx-npsle.answer", "no"),
    ("score-sledai-2k.value", "10"),
    ("lab-alt.value", "30"),
    ("lab-alt.unit", "U/L"),
    ("lab-alt.uln", "40"),
    ("preg-pregnant.answer", "no"),
    ("trial.answer", "no"),
];

/// Text as askama escapes it in HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// A server on 127.0.0.1 with a random port (real sockets: the browser and
/// schemathesis need them), over a fresh temporary registry.
pub struct Live {
    pub base: String,
    pub state: AppState,
    pub _dir: tempfile::TempDir,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Live {
    pub async fn start() -> Live {
        Live::with(Settings {
            secure_cookies: false,
            ..Settings::default()
        })
        .await
    }

    pub async fn with(settings: Settings) -> Live {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("eligo.db");
        let reg = registry::open_at(&Location::Sqlite(db), &dir.path().join("eligo.db-index"))
            .await
            .expect("open registry");
        let state = AppState::new(reg.store, reg.index, settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().unwrap();
        let task = eligo_server::spawn(state.clone(), listener);
        Live {
            base: format!("http://{addr}"),
            state,
            _dir: dir,
            task,
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A free TCP port on 127.0.0.1 (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}
