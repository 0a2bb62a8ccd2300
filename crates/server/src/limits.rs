//! A request body declared larger than the limit is refused before it is
//! read, with the same error as one found too large while reading: JSON
//! `{"error", "field": "body"}` under `/api`, the error page elsewhere.

use crate::AppError;
use crate::web::PageError;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Middleware: 413 when `Content-Length` exceeds `limit`.
pub async fn declared_length(
    State(limit): State<usize>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => {
            let e = too_large(limit);
            if req.uri().path().starts_with("/api/") {
                e.into_response()
            } else {
                PageError(e).into_response()
            }
        }
        _ => next.run(req).await,
    }
}

/// The 413 for a body over `limit` bytes.
pub fn too_large(limit: usize) -> AppError {
    let mut e = AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "the request body is larger than the limit of {} bytes",
            limit
        ),
    );
    e.field = Some("body".into());
    e
}
