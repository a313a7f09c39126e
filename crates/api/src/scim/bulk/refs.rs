//! `bulkId:` references (RFC 7644 §3.7.2): an operation may name a resource that an earlier
//! POST of the same request creates, in its path or anywhere in its data (a member `value`,
//! say). Found here, and replaced by the created resource's id once it exists.

use serde_json::Value;
use std::collections::HashMap;

const PREFIX: &str = "bulkId:";

/// The bulkIds `op` refers to, in its path and data.
pub fn referenced(path: &str, data: &Value) -> Vec<String> {
    let mut out: Vec<String> = path
        .split('/')
        .filter_map(|seg| seg.strip_prefix(PREFIX))
        .map(str::to_owned)
        .collect();
    walk(data, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            if let Some(id) = s.strip_prefix(PREFIX) {
                out.push(id.to_owned());
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
        Value::Object(o) => o.values().for_each(|i| walk(i, out)),
        _ => {}
    }
}

/// `path` with each `bulkId:x` segment replaced by the id created for `x`.
pub fn resolve_path(path: &str, ids: &HashMap<String, String>) -> String {
    path.split('/')
        .map(|seg| {
            seg.strip_prefix(PREFIX)
                .and_then(|b| ids.get(b))
                .map_or(seg, String::as_str)
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `data` with each `"bulkId:x"` string replaced by the id created for `x`.
pub fn resolve_data(v: &mut Value, ids: &HashMap<String, String>) {
    match v {
        Value::String(s) => {
            if let Some(id) = s.strip_prefix(PREFIX).and_then(|b| ids.get(b)) {
                *s = id.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| resolve_data(i, ids)),
        Value::Object(o) => o.values_mut().for_each(|i| resolve_data(i, ids)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_and_replaces_references_in_path_and_data() {
        let data = json!({"members": [{"value": "bulkId:u1"}, {"value": "x"}], "n": "bulkId:u2"});
        assert_eq!(referenced("/Groups/bulkId:g", &data), ["g", "u1", "u2"]);
        let ids: HashMap<String, String> = [("u1", "A"), ("g", "G")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(resolve_path("/Groups/bulkId:g", &ids), "/Groups/G");
        let mut d = data;
        resolve_data(&mut d, &ids);
        assert_eq!(d["members"][0]["value"], "A");
        assert_eq!(d["n"], "bulkId:u2");
    }
}
