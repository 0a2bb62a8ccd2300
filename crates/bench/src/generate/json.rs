//! A minimal streaming JSON writer. Generated studies mix fresh fields with
//! modules kept verbatim from the template (already serialised once), so
//! they are written directly rather than built as `serde_json::Value`s:
//! that keeps 500,000 studies well under a minute.

#[derive(Default)]
pub struct Json {
    pub buf: Vec<u8>,
    /// Per open container: has it an element yet (a comma is due)?
    comma: Vec<bool>,
    after_key: bool,
}

impl Json {
    pub fn with_capacity(n: usize) -> Json {
        Json {
            buf: Vec::with_capacity(n),
            ..Json::default()
        }
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.comma.clear();
        self.after_key = false;
    }

    fn pre(&mut self) {
        if self.after_key {
            self.after_key = false;
            return;
        }
        if let Some(c) = self.comma.last_mut() {
            if *c {
                self.buf.push(b',');
            }
            *c = true;
        }
    }

    pub fn begin_obj(&mut self) -> &mut Self {
        self.pre();
        self.buf.push(b'{');
        self.comma.push(false);
        self
    }

    pub fn end_obj(&mut self) -> &mut Self {
        self.buf.push(b'}');
        self.comma.pop();
        self
    }

    pub fn begin_arr(&mut self) -> &mut Self {
        self.pre();
        self.buf.push(b'[');
        self.comma.push(false);
        self
    }

    pub fn end_arr(&mut self) -> &mut Self {
        self.buf.push(b']');
        self.comma.pop();
        self
    }

    pub fn key(&mut self, k: &str) -> &mut Self {
        self.pre();
        escape_into(&mut self.buf, k);
        self.buf.push(b':');
        self.after_key = true;
        self
    }

    pub fn str(&mut self, v: &str) -> &mut Self {
        self.pre();
        escape_into(&mut self.buf, v);
        self
    }

    /// Already-serialised JSON, written as is.
    pub fn raw(&mut self, v: &str) -> &mut Self {
        self.pre();
        self.buf.extend_from_slice(v.as_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.pre();
        self.buf.extend_from_slice(v.to_string().as_bytes());
        self
    }

    pub fn f64(&mut self, v: f64) -> &mut Self {
        self.pre();
        self.buf.extend_from_slice(format!("{v}").as_bytes());
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.pre();
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    pub fn field_str(&mut self, k: &str, v: &str) -> &mut Self {
        self.key(k).str(v)
    }

    pub fn field_opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v {
            self.key(k).str(v);
        }
        self
    }

    pub fn field_raw(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v {
            self.key(k).raw(v);
        }
        self
    }

    pub fn field_strs<S: AsRef<str>>(&mut self, k: &str, v: &[S]) -> &mut Self {
        self.key(k).begin_arr();
        for s in v {
            self.str(s.as_ref());
        }
        self.end_arr()
    }
}

/// `s` as a JSON string literal (RFC 8259 escapes; other UTF-8 as is).
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_objects_and_escapes_parse_back() {
        let mut j = Json::default();
        j.begin_obj()
            .field_str("a", "quote \" backslash \\ tab \t nl \n bell \u{7} é")
            .key("b")
            .begin_arr()
            .u64(1)
            .f64(-71.0589)
            .bool(true)
            .raw(r#"{"x":[]}"#)
            .end_arr()
            .key("c")
            .begin_obj()
            .end_obj()
            .end_obj();
        let v: serde_json::Value = serde_json::from_slice(&j.buf).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "a": "quote \" backslash \\ tab \t nl \n bell \u{7} é",
                "b": [1, -71.0589, true, {"x": []}],
                "c": {}
            })
        );
    }
}
