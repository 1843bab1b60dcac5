//! The language server's transport (`lsp::read_in_memory`): frames built by
//! [`ekslint_fuzz::frames`], read as from standard input. No frame stops the reader before the
//! input ends (or an `exit`); every reply it writes is one well-framed JSON-RPC error.

#![no_main]

use arbitrary::Unstructured;
use ekslint::lsp::read_in_memory;
use ekslint_fuzz::frames::frames;
use libfuzzer_sys::fuzz_target;
use lsp_server::Message;

fuzz_target!(init: ekslint_fuzz::init(), |data: &[u8]| {
    let Ok((_, bytes)) = frames(&mut Unstructured::new(data)) else {
        return;
    };
    let (messages, written) = read_in_memory(&bytes);
    // Reading stops at `exit`.
    if let Some(exit) = messages.iter().position(|m| matches!(m, Message::Notification(n) if n.method == "exit")) {
        assert_eq!(exit + 1, messages.len(), "a message after exit was passed on");
    }
    let mut rest = written.as_slice();
    while !rest.is_empty() {
        let at = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let header = std::str::from_utf8(&rest[..at]).expect("an ASCII header");
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|l| l.parse().ok())
            .expect("a Content-Length header");
        let body = &rest[at + 4..at + 4 + length];
        let reply: serde_json::Value = serde_json::from_slice(body).expect("a JSON reply");
        assert_eq!(reply["jsonrpc"], "2.0");
        assert!(reply["error"]["code"].is_i64(), "{reply}");
        rest = &rest[at + 4 + length..];
    }
});
