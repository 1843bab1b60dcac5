//! The message loop: open documents, publish their diagnostics, answer code actions.

use super::document::{self, Open};
use super::{convert, quickfix, uri};
use crate::discover::is_candidate;
use crate::rules::{EKS000, EKS003};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the server on standard input and output until the client asks it to exit. The exit
/// code is 0 after a `shutdown` request and 1 otherwise, as the protocol specifies.
pub fn run() -> ExitCode {
    match serve() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ekslint: error: {message}");
            ExitCode::from(1)
        }
    }
}

fn serve() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let (id, _params) = connection
        .initialize_start()
        .map_err(|e| format!("language server: {e}"))?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "ekslint", "version": env!("CARGO_PKG_VERSION") },
    });
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("language server: {e}"))?;
    let server = Server {
        connection,
        paths: BTreeMap::new(),
        open: Open::new(),
        shown_error: None,
    };
    server.main_loop()?;
    io_threads
        .join()
        .map_err(|e| format!("language server: {e}"))
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::SaveOptions(
                    lsp::SaveOptions {
                        include_text: Some(false),
                    },
                )),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

struct Server {
    connection: Connection,
    /// The open documents ekslint reads, by URI.
    paths: BTreeMap<lsp::Uri, PathBuf>,
    /// Their texts, by path.
    open: Open,
    /// The configuration error shown last, so that it is not shown again on every keystroke
    /// (cleared once a document lints).
    shown_error: Option<String>,
}

impl Server {
    fn main_loop(mut self) -> Result<(), String> {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(request) => {
                    let shutdown = self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| format!("language server: {e}"))?;
                    if shutdown {
                        return Ok(());
                    }
                    self.request(request);
                }
                Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => {
                    return Err("language server: exit before shutdown".into());
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
        Err("language server: the client closed the connection without exit".into())
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
        };
        let changed = match n.method.as_str() {
            DidOpenTextDocument::METHOD => n
                .extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                .ok()
                .and_then(|p| self.set_text(p.text_document.uri, p.text_document.text)),
            DidChangeTextDocument::METHOD => n
                .extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                .ok()
                .and_then(|p| {
                    let text = p.content_changes.into_iter().last()?.text;
                    self.set_text(p.text_document.uri, text)
                }),
            DidSaveTextDocument::METHOD => n
                .extract::<lsp::DidSaveTextDocumentParams>(DidSaveTextDocument::METHOD)
                .ok()
                .and_then(|p| match p.text {
                    Some(text) => self.set_text(p.text_document.uri, text),
                    None => self.paths.get(&p.text_document.uri).cloned(),
                }),
            DidCloseTextDocument::METHOD => n
                .extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                .ok()
                .and_then(|p| {
                    let path = self.paths.remove(&p.text_document.uri)?;
                    self.open.remove(&path);
                    self.publish(p.text_document.uri, Vec::new());
                    Some(path)
                }),
            _ => None,
        };
        if let Some(path) = changed {
            self.refresh(&path);
        }
    }

    /// Records the text of a document; returns its path when it is one ekslint reads.
    fn set_text(&mut self, uri: lsp::Uri, text: String) -> Option<PathBuf> {
        let path = uri::to_path(uri.as_str()).filter(|p| is_candidate(p))?;
        self.paths.insert(uri, path.clone());
        self.open.insert(path.clone(), text);
        Some(path)
    }

    /// Lints and publishes the open documents whose findings may change when `path` changes:
    /// itself (if open) and the open files of its Terraform module.
    fn refresh(&mut self, path: &Path) {
        let affected: Vec<(lsp::Uri, PathBuf)> = self
            .paths
            .iter()
            .filter(|(_, p)| p.as_path() == path || document::same_module(p, path))
            .map(|(u, p)| (u.clone(), p.clone()))
            .collect();
        for (uri, path) in affected {
            let diagnostics = match document::lint(&path, &self.open) {
                Ok(linted) => {
                    // A policy's mistake is in a file no editor shows diagnostics for.
                    match document::policy_error(&linted.report) {
                        Some(message) => self.show_error(message),
                        None => self.shown_error = None,
                    }
                    convert::diagnostics(&linted.report, linted.file)
                }
                Err(message) => {
                    self.show_error(message);
                    Vec::new()
                }
            };
            self.publish(uri, diagnostics);
        }
    }

    fn publish(&self, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) {
        use lsp::notification::PublishDiagnostics;
        let params = lsp::PublishDiagnosticsParams::new(uri, diagnostics, None);
        self.send(Notification::new(PublishDiagnostics::METHOD.into(), params).into());
    }

    fn show_error(&mut self, message: String) {
        use lsp::notification::ShowMessage;
        if self.shown_error.as_ref() == Some(&message) {
            return;
        }
        let params = lsp::ShowMessageParams {
            typ: lsp::MessageType::ERROR,
            message: format!("ekslint: {message}"),
        };
        self.send(Notification::new(ShowMessage::METHOD.into(), params).into());
        self.shown_error = Some(message);
    }

    fn send(&self, message: Message) {
        // Sending fails only once the client is gone; the loop then ends on its own.
        let _ = self.connection.sender.send(message);
    }

    fn request(&self, request: Request) {
        use lsp::request::CodeActionRequest;
        let response = if request.method == CodeActionRequest::METHOD {
            match serde_json::from_value::<lsp::CodeActionParams>(request.params) {
                Ok(params) => Response::new_ok(request.id, self.code_actions(&params)),
                Err(e) => Response::new_err(
                    request.id,
                    ErrorCode::InvalidParams as i32,
                    format!("{}: {e}", CodeActionRequest::METHOD),
                ),
            }
        } else {
            Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("ekslint does not handle {}", request.method),
            )
        };
        self.send(response.into());
    }

    /// One quick fix per ekslint finding of the request: an `ekslint:ignore` comment.
    fn code_actions(&self, params: &lsp::CodeActionParams) -> lsp::CodeActionResponse {
        let uri = &params.text_document.uri;
        let Some((path, text)) = self
            .paths
            .get(uri)
            .and_then(|p| Some((p, self.open.get(p)?)))
        else {
            return Vec::new();
        };
        let mut seen = BTreeSet::new();
        let mut actions = Vec::new();
        for d in &params.context.diagnostics {
            let Some(lsp::NumberOrString::String(rule)) = &d.code else {
                continue;
            };
            let ours = d.source.as_deref() == Some(convert::SOURCE)
                && rule != EKS000.id
                && rule != EKS003.id;
            let line = d.range.start.line;
            if !ours || !seen.insert((line, rule.clone())) {
                continue;
            }
            let Some(fix) = quickfix::ignore_comment(path, text, line, rule) else {
                continue;
            };
            let at = lsp::Position::new(fix.line, fix.character);
            let edit = lsp::TextEdit::new(lsp::Range::new(at, at), fix.text);
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("Ignore {rule} here (ekslint:ignore comment)"),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(lsp::WorkspaceEdit::new(HashMap::from([(
                    uri.clone(),
                    vec![edit],
                )]))),
                ..Default::default()
            }));
        }
        actions
    }
}
