//! Reads a POST body as form fields: URL-encoded, or multipart as `curl -F` sends it.

/// The fields of a form body, in order. Unknown content types give no fields.
pub(crate) fn parse(content_type: Option<&str>, body: &[u8]) -> Vec<(String, String)> {
    let content_type = content_type.unwrap_or("application/x-www-form-urlencoded");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => boundary(content_type)
            .map(|b| multipart(&b, body))
            .unwrap_or_default(),
        _ => url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    }
}

fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|part| {
        let (key, value) = part.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("boundary"))
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

/// A small multipart/form-data reader: text fields only, which is all a token
/// exchange carries.
fn multipart(boundary: &str, body: &[u8]) -> Vec<(String, String)> {
    let body = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    let mut fields = Vec::new();
    for part in body.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head.lines().find_map(|line| {
            let (key, rest) = line.split_once(':')?;
            if !key.trim().eq_ignore_ascii_case("content-disposition") {
                return None;
            }
            rest.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
            })
        });
        if let Some(name) = name {
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            fields.push((name, value.to_string()));
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_urlencoded_forms() {
        let fields = parse(
            Some("application/x-www-form-urlencoded"),
            b"client_id=1&redirect_uri=https%3A%2F%2Fx%2F&code=AQB%23_",
        );
        assert_eq!(fields[1], ("redirect_uri".into(), "https://x/".into()));
        assert_eq!(fields[2], ("code".into(), "AQB#_".into()));
    }

    #[test]
    fn reads_multipart_forms() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n99\r\n\
                    --XyZ\r\ncontent-disposition: form-data; name=\"code\"\r\n\r\nAQBc\r\n--XyZ--\r\n";
        let fields = parse(Some("multipart/form-data; boundary=XyZ"), body.as_bytes());
        assert_eq!(
            fields,
            vec![
                ("client_id".into(), "99".into()),
                ("code".into(), "AQBc".into())
            ]
        );
    }
}
