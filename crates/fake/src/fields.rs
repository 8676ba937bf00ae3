//! Parses the Graph `fields` parameter, nested selections included (`children{id,media_type}`).

/// One requested field and, for edges such as `children`, its own selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    pub name: String,
    pub sub: Option<Vec<Field>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldsError {
    /// A field named twice at the same level.
    Duplicate(String),
    /// Unbalanced braces or an empty name.
    Syntax(String),
}

/// Parses `a,b,edge{c,d}`; the older `edge.fields(c,d)` is accepted too.
/// Empty items (`a,,b`, a trailing comma) are skipped as Graph does.
pub(crate) fn parse(raw: &str) -> Result<Vec<Field>, FieldsError> {
    let mut fields: Vec<Field> = Vec::new();
    for item in split_top_level(raw)? {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let field = parse_item(item)?;
        if fields.iter().any(|f| f.name == field.name) {
            return Err(FieldsError::Duplicate(field.name));
        }
        fields.push(field);
    }
    Ok(fields)
}

fn parse_item(item: &str) -> Result<Field, FieldsError> {
    let (name, inner) = if let Some(open) = item.find('{') {
        if !item.ends_with('}') {
            return Err(FieldsError::Syntax(item.to_string()));
        }
        (&item[..open], Some(&item[open + 1..item.len() - 1]))
    } else if let Some(open) = item.find(".fields(") {
        if !item.ends_with(')') {
            return Err(FieldsError::Syntax(item.to_string()));
        }
        (
            &item[..open],
            Some(&item[open + ".fields(".len()..item.len() - 1]),
        )
    } else {
        (item, None)
    };
    let name = name.trim();
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(FieldsError::Syntax(item.to_string()));
    }
    let sub = match inner {
        Some(inner) => Some(parse(inner)?),
        None => None,
    };
    Ok(Field {
        name: name.to_string(),
        sub,
    })
}

fn split_top_level(raw: &str) -> Result<Vec<&str>, FieldsError> {
    let mut items = Vec::new();
    let mut depth: i32 = 0;
    let mut start = 0;
    for (i, c) in raw.char_indices() {
        match c {
            '{' | '(' => depth += 1,
            '}' | ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err(FieldsError::Syntax(raw.to_string()));
                }
            }
            ',' if depth == 0 => {
                items.push(&raw[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(FieldsError::Syntax(raw.to_string()));
    }
    items.push(&raw[start..]);
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(fields: &[Field]) -> Vec<&str> {
        fields.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn parses_flat_and_nested_fields() {
        let fields = parse("id,caption,children{id,media_type,media_url},timestamp").unwrap();
        assert_eq!(names(&fields), ["id", "caption", "children", "timestamp"]);
        let sub = fields[2].sub.as_deref().unwrap();
        assert_eq!(names(sub), ["id", "media_type", "media_url"]);
    }

    #[test]
    fn accepts_the_old_fields_syntax() {
        let fields = parse("id,children.fields(id,permalink)").unwrap();
        assert_eq!(
            names(fields[1].sub.as_deref().unwrap()),
            ["id", "permalink"]
        );
    }

    #[test]
    fn refuses_duplicates_at_any_level() {
        assert_eq!(
            parse("id,username,id"),
            Err(FieldsError::Duplicate("id".into()))
        );
        assert_eq!(
            parse("id,children{id,id}"),
            Err(FieldsError::Duplicate("id".into()))
        );
        assert!(parse("id,children{id},media_url").is_ok());
    }

    #[test]
    fn refuses_broken_syntax() {
        assert!(matches!(
            parse("id,children{id"),
            Err(FieldsError::Syntax(_))
        ));
        assert!(matches!(parse("id}"), Err(FieldsError::Syntax(_))));
        assert!(matches!(parse("i d"), Err(FieldsError::Syntax(_))));
        assert_eq!(names(&parse("id,,caption,").unwrap()), ["id", "caption"]);
    }
}
