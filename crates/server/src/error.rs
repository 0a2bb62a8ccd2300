//! One error type for handlers. As JSON (the API) it is
//! `{"error": "...", "field": "..."}`; pages render it with the error
//! template (see `web::PageError`). Internal errors are logged and shown
//! only as "internal error", so nothing of the database leaks to clients.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    /// The request field to blame, when one is.
    pub field: Option<String>,
    /// Seconds until a refused client may try again (`Retry-After` of a 429).
    pub retry_after: Option<u64>,
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// The parameter or body field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// 400 naming the field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        AppError {
            status: StatusCode::BAD_REQUEST,
            message: format!("{field}: {}", message.into()),
            field: Some(field),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "log in first")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    /// 429 for too many `what` (\"failed logins\") from the client's address,
    /// with `Retry-After` set to `wait` (whole seconds, at least 1).
    pub fn too_many(what: &str, wait: std::time::Duration) -> Self {
        let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many {what} from this address; try again in {secs} seconds"),
        );
        e.retry_after = Some(secs);
        e
    }

    /// The `Retry-After` header this error's response carries, if any.
    pub fn retry_after_header(&self) -> Option<(header::HeaderName, HeaderValue)> {
        self.retry_after
            .map(|s| (header::RETRY_AFTER, HeaderValue::from(s)))
    }

    /// 500; `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!("internal error: {detail}");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.message.clone(),
            field: self.field.clone(),
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl std::error::Error for AppError {}

impl From<eligo_store::StoreError> for AppError {
    fn from(e: eligo_store::StoreError) -> Self {
        AppError::internal(e)
    }
}

impl From<eligo_search::SearchError> for AppError {
    fn from(e: eligo_search::SearchError) -> Self {
        AppError::internal(e)
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(format!("template: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(self.body())).into_response();
        if let Some((k, v)) = self.retry_after_header() {
            res.headers_mut().insert(k, v);
        }
        res
    }
}
