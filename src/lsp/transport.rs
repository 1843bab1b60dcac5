//! The transport of the language server: JSON-RPC messages framed by `Content-Length` headers
//! on standard input and output, read and written on threads of their own.
//!
//! An editor, or anything that writes to the server, may send frames that are not valid: a
//! header without a length, a length that is not a number or is larger than
//! [`MAX_LSP_MESSAGE_BYTES`], a body that is not JSON or not a JSON-RPC message. None of them
//! stops the server: a body that is not JSON gets a parse error (-32700) and one that is not a
//! message an invalid request error (-32600), with the request's id when it can be read and
//! `null` otherwise; a body over the limit is skipped unread and answered as an invalid request;
//! header lines that give no length are dropped, and reading starts again at the next
//! `Content-Length` header.

use crate::limits::{MAX_LSP_HEADER_BYTES, MAX_LSP_MESSAGE_BYTES};
use lsp_server::{ErrorCode, Message};
use serde_json::{Value, json};
use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;

/// What the writer thread is given.
enum Outgoing {
    Message(Message),
    /// An error response whose id is not a valid request id (or `null`).
    Error {
        id: Value,
        code: i32,
        message: String,
    },
    /// Everything before was written: flush and stop.
    Stop,
}

/// The messages read from standard input, and a way to write to standard output.
pub struct Transport {
    pub receiver: Receiver<Message>,
    sender: Sender<Outgoing>,
    writer: JoinHandle<()>,
}

impl Transport {
    /// Starts reading standard input and writing standard output.
    pub fn stdio() -> Transport {
        let (out, outgoing) = channel();
        let writer = std::thread::spawn(move || write_all(&mut io::stdout().lock(), &outgoing));
        let (incoming, receiver) = channel();
        let errors = out.clone();
        std::thread::spawn(move || read_all(&mut io::stdin().lock(), &incoming, &errors));
        Transport {
            receiver,
            sender: out,
            writer,
        }
    }

    /// Sends a message; once the client is gone, silently does nothing.
    pub fn send(&self, message: Message) {
        let _ = self.sender.send(Outgoing::Message(message));
    }

    /// Writes what was sent, then stops writing.
    pub fn finish(self) {
        let _ = self.sender.send(Outgoing::Stop);
        let _ = self.writer.join();
    }
}

/// Reads `input` to its end as the reader thread reads standard input, and writes the error
/// replies as the writer thread writes standard output: the messages passed on, and the bytes
/// written. The transport driven in memory, on the calling thread (the `lsp_transport` fuzz
/// target).
pub fn read_in_memory(input: &[u8]) -> (Vec<Message>, Vec<u8>) {
    let (incoming, messages) = channel();
    let (errors, outgoing) = channel();
    read_all(&mut io::Cursor::new(input), &incoming, &errors);
    let _ = errors.send(Outgoing::Stop);
    let mut out = Vec::new();
    write_all(&mut out, &outgoing);
    (messages.try_iter().collect(), out)
}

fn write_all(out: &mut impl Write, outgoing: &Receiver<Outgoing>) {
    for message in outgoing {
        let written = match message {
            Outgoing::Message(m) => m.write(out),
            Outgoing::Error { id, code, message } => {
                let body = json!({
                    "jsonrpc": "2.0",
                    "id": id,
                    "error": {"code": code, "message": message},
                })
                .to_string();
                write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())
                    .and_then(|()| out.flush())
            }
            Outgoing::Stop => return,
        };
        if written.is_err() {
            return;
        }
    }
}

/// Reads messages until the end of input (or an `exit` notification), passing them on and
/// answering the ones that cannot be passed on.
fn read_all(input: &mut impl BufRead, incoming: &Sender<Message>, errors: &Sender<Outgoing>) {
    loop {
        let reply = |id: Value, code: ErrorCode, message: String| {
            let _ = errors.send(Outgoing::Error {
                id,
                code: code as i32,
                message,
            });
        };
        match read_frame(input) {
            Ok(Frame::Body(body)) => match message(&body) {
                Ok(m) => {
                    let exit = matches!(&m, Message::Notification(n) if n.method == "exit");
                    if incoming.send(m).is_err() || exit {
                        return;
                    }
                }
                Err((id, code, why)) => reply(id, code, why),
            },
            Ok(Frame::TooLarge(length)) => reply(
                Value::Null,
                ErrorCode::InvalidRequest,
                format!(
                    "a message of {length} bytes is larger than the limit of {MAX_LSP_MESSAGE_BYTES} bytes; it was skipped"
                ),
            ),
            Ok(Frame::Garbage) => {}
            Ok(Frame::End) | Err(_) => return,
        }
    }
}

/// What one read from the input gave.
#[derive(Debug, PartialEq, Eq)]
enum Frame {
    Body(Vec<u8>),
    /// A body longer than the limit, skipped.
    TooLarge(u64),
    /// Header lines that give no length, dropped.
    Garbage,
    End,
}

/// Reads a header block and the body it announces.
fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<Option<u64>> = None;
    let mut header_bytes = 0;
    loop {
        let Some(line) = read_line(input)? else {
            return Ok(Frame::End);
        };
        header_bytes += line.len();
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_none() && header_bytes <= 2 {
                // Blank lines between messages.
                header_bytes = 0;
                continue;
            }
            break;
        }
        // A header may follow the rest of a body that was not read (its length was wrong).
        if let Some(at) = text.to_ascii_lowercase().find("content-length:") {
            let value = &text[at + "content-length:".len()..];
            length = Some(value.trim().parse::<u64>().ok());
        }
        if header_bytes > MAX_LSP_HEADER_BYTES {
            return Ok(Frame::Garbage);
        }
    }
    let Some(Some(length)) = length else {
        return Ok(Frame::Garbage);
    };
    if length > MAX_LSP_MESSAGE_BYTES as u64 {
        io::copy(&mut input.take(length), &mut io::sink())?;
        return Ok(Frame::TooLarge(length));
    }
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(Frame::End);
    }
    Ok(Frame::Body(body))
}

/// One line with its line break (`None` at the end of input). A line longer than the header
/// limit is cut there; the rest of it is read as lines of its own.
fn read_line(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut line = Vec::new();
    input
        .take(MAX_LSP_HEADER_BYTES as u64 + 1)
        .read_until(b'\n', &mut line)?;
    Ok((!line.is_empty()).then_some(line))
}

/// The message a body holds, or the error to answer it with (the id, when it can be read).
fn message(body: &[u8]) -> Result<Message, (Value, ErrorCode, String)> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        (
            Value::Null,
            ErrorCode::ParseError,
            format!("the message is not JSON: {e}"),
        )
    })?;
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    let invalid = |why: &str| (id.clone(), ErrorCode::InvalidRequest, why.to_string());
    let Some(object) = value.as_object() else {
        return Err(invalid("a message is a JSON object"));
    };
    let has_id = object.get("id").is_some_and(|i| !i.is_null());
    if object.contains_key("id") && !has_id {
        return Err(invalid("the id is null"));
    }
    let bad_id = |_| invalid("the id is not a 32-bit integer or a string");
    match object.get("method") {
        Some(Value::String(_)) if has_id => serde_json::from_value(value.clone())
            .map(Message::Request)
            .map_err(bad_id),
        Some(Value::String(_)) => serde_json::from_value(value.clone())
            .map(Message::Notification)
            .map_err(|_| invalid("the notification is not valid")),
        Some(_) => Err(invalid("the method is not a string")),
        // A response to a request of ours (the server sends none): accepted, then ignored.
        None if has_id && (object.contains_key("result") || object.contains_key("error")) => {
            serde_json::from_value(value.clone())
                .map(Message::Response)
                .map_err(bad_id)
        }
        None => Err(invalid("the message has no method")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn frames(input: &[u8]) -> Vec<Frame> {
        let mut input = Cursor::new(input.to_vec());
        let mut out = Vec::new();
        loop {
            match read_frame(&mut input).expect("reading memory") {
                Frame::End => return out,
                f => out.push(f),
            }
        }
    }

    #[test]
    fn frames_are_read_and_garbage_is_skipped_up_to_the_next_header() {
        let input = b"Content-Length: 2\r\n\r\n{}\
            Content-Length: x\r\n\r\n{\"id\":1}\
            Content-Length: 2\r\nContent-Type: utf-8\r\n\r\n[]\
            \r\n\r\nnot a header\r\n\r\n";
        assert_eq!(
            frames(input),
            [
                Frame::Body(b"{}".to_vec()),
                Frame::Garbage,
                Frame::Body(b"[]".to_vec()),
                Frame::Garbage,
            ]
        );
    }

    #[test]
    fn huge_lengths_and_long_header_lines_are_bounded() {
        let huge = format!("Content-Length: {}\r\n\r\n{{}}", u64::MAX);
        assert_eq!(frames(huge.as_bytes()), [Frame::TooLarge(u64::MAX)]);
        let long = format!("X-{}: 1\r\n\r\n", "a".repeat(3 * MAX_LSP_HEADER_BYTES));
        assert!(frames(long.as_bytes()).iter().all(|f| *f == Frame::Garbage));
        // A body cut short by the end of input is not a message.
        assert_eq!(frames(b"Content-Length: 10\r\n\r\n{}"), []);
    }

    #[test]
    fn in_memory_the_messages_are_passed_on_and_the_errors_answered() {
        // A body that is not JSON, then a notification.
        let input = b"Content-Length: 7\r\n\r\n{\"id\":3Content-Length: 30\r\n\r\n\
            {\"jsonrpc\":\"2.0\",\"method\":\"x\"}";
        let (messages, written) = read_in_memory(input);
        assert!(
            matches!(messages.as_slice(), [Message::Notification(n)] if n.method == "x"),
            "{messages:?}"
        );
        let written = String::from_utf8(written).expect("UTF-8");
        let (header, body) = written.split_once("\r\n\r\n").expect("one framed reply");
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let reply: Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(reply["error"]["code"], json!(-32700));
        assert_eq!(reply["id"], Value::Null);
    }

    #[test]
    fn bodies_that_are_not_messages_get_the_right_error() {
        let code = |body: &str| {
            message(body.as_bytes())
                .err()
                .map(|(id, c, _)| (id, c as i32))
        };
        assert_eq!(code("{"), Some((Value::Null, -32700)));
        assert_eq!(code("[1]"), Some((Value::Null, -32600)));
        assert_eq!(code(r#"{"id": 7}"#), Some((json!(7), -32600)));
        assert_eq!(
            code(r#"{"id": 2e10, "method": "x"}"#),
            Some((json!(2e10), -32600))
        );
        assert_eq!(
            code(r#"{"id": {}, "method": "x"}"#),
            Some((Value::Null, -32600))
        );
        assert_eq!(code(r#"{"method": 1}"#), Some((Value::Null, -32600)));
        assert!(matches!(
            message(br#"{"id":"a","method":"x"}"#),
            Ok(Message::Request(_))
        ));
        assert!(matches!(
            message(br#"{"method":"x"}"#),
            Ok(Message::Notification(_))
        ));
        assert!(matches!(
            message(br#"{"id":1,"result":null}"#),
            Ok(Message::Response(_))
        ));
    }
}
