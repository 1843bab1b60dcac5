//! Language server input built from fuzzer bytes: well-framed JSON-RPC messages (requests,
//! notifications, responses with every kind of id), frames whose `Content-Length` is wrong,
//! huge lengths, odd headers, and raw bytes.

use arbitrary::{Arbitrary, Result, Unstructured};
use serde_json::{Value, json};

/// What one frame is.
#[derive(Debug)]
pub enum Frame {
    /// A body with a header block that announces its length, among other headers.
    Framed {
        headers: Vec<String>,
        body: Vec<u8>,
    },
    /// A body whose announced length is off by `delta`.
    WrongLength {
        delta: i8,
        body: Vec<u8>,
    },
    /// A header with this length, and nothing after it.
    Length(String),
    Raw(Vec<u8>),
}

/// Frames, in order, and their bytes.
pub fn frames(u: &mut Unstructured) -> Result<(Vec<Frame>, Vec<u8>)> {
    let mut frames = Vec::new();
    let mut bytes = Vec::new();
    while !u.is_empty() && frames.len() < 16 {
        let frame = frame(u)?;
        write(&frame, &mut bytes);
        frames.push(frame);
    }
    Ok((frames, bytes))
}

fn frame(u: &mut Unstructured) -> Result<Frame> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => Frame::Raw(Vec::arbitrary(u)?),
        1 => Frame::WrongLength {
            delta: u.arbitrary()?,
            body: body(u)?,
        },
        2 => Frame::Length(
            u.choose(&[
                "",
                "-1",
                "1e3",
                "18446744073709551616",
                "99999999999",
                " 5 ",
                "0x10",
            ])?
            .to_string(),
        ),
        _ => {
            let mut headers = Vec::new();
            for _ in 0..u.int_in_range(0..=2)? {
                headers.push(
                    u.choose(&[
                        "Content-Type: application/vscode-jsonrpc; charset=utf-8",
                        "content-length: 3",
                        "X: y",
                        ":",
                        "",
                    ])?
                    .to_string(),
                );
            }
            Frame::Framed {
                headers,
                body: body(u)?,
            }
        }
    })
}

fn write(frame: &Frame, out: &mut Vec<u8>) {
    match frame {
        Frame::Framed { headers, body } => {
            for h in headers {
                out.extend_from_slice(format!("{h}\r\n").as_bytes());
            }
            out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
            out.extend_from_slice(body);
        }
        Frame::WrongLength { delta, body } => {
            let length = (body.len() as i64 + i64::from(*delta)).max(0);
            out.extend_from_slice(format!("Content-Length: {length}\r\n\r\n").as_bytes());
            out.extend_from_slice(body);
        }
        Frame::Length(l) => {
            out.extend_from_slice(format!("Content-Length: {l}\r\n\r\n").as_bytes())
        }
        Frame::Raw(bytes) => out.extend_from_slice(bytes),
    }
}

fn body(u: &mut Unstructured) -> Result<Vec<u8>> {
    let message = match u.int_in_range(0u8..=7)? {
        0 => return Vec::arbitrary(u),
        1 => json_value(u, 0)?,
        2 => json!({"jsonrpc": "2.0", "id": id(u)?, "result": json_value(u, 0)?}),
        3 | 4 => json!({"jsonrpc": "2.0", "method": method(u)?, "params": json_value(u, 0)?}),
        _ => {
            json!({"jsonrpc": "2.0", "id": id(u)?, "method": method(u)?, "params": json_value(u, 0)?})
        }
    };
    let mut text = message.to_string();
    if u.ratio(1, 8)? {
        // Cut short.
        let at = u.int_in_range(0..=text.len())?;
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text.truncate(at);
    }
    Ok(text.into_bytes())
}

fn id(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0u8..=6)? {
        0 => Value::Null,
        1 => json!(u.arbitrary::<i64>()?),
        2 => json!(u.arbitrary::<f64>()?),
        3 => json!(u.arbitrary::<String>()?),
        4 => json!({}),
        _ => json!(u.int_in_range(0..=3)?),
    })
}

fn method(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0u8..=8)? {
        0 => u.arbitrary()?,
        i => [
            "initialize",
            "initialized",
            "shutdown",
            "exit",
            "textDocument/didOpen",
            "textDocument/didChange",
            "textDocument/codeAction",
            "$/cancelRequest",
        ][usize::from(i - 1)]
        .to_string(),
    })
}

/// A JSON value, nested at most 4 deep.
fn json_value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let leaf = depth >= 4;
    Ok(match u.int_in_range(0u8..=if leaf { 4 } else { 6 })? {
        0 => Value::Null,
        1 => json!(u.arbitrary::<bool>()?),
        2 => json!(u.arbitrary::<f64>()?),
        3 => json!(u.arbitrary::<i64>()?),
        4 => json!(u.arbitrary::<String>()?),
        5 => {
            let mut items = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                items.push(json_value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let mut map = serde_json::Map::new();
            for _ in 0..u.int_in_range(0..=3)? {
                let key = u
                    .choose(&[
                        "textDocument",
                        "uri",
                        "text",
                        "version",
                        "contentChanges",
                        "id",
                        "range",
                    ])?
                    .to_string();
                map.insert(key, json_value(u, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}
