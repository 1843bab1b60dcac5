//! The message loop: open documents, publish their diagnostics, answer code actions.

use super::document::{self, Kept, Open};
use super::transport::Transport;
use super::{convert, fixes, quickfix, uri};
use crate::discover::is_candidate;
use crate::rules::{EKS000, EKS003};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs the server on standard input and output until the client asks it to exit. The exit
/// code is 0 after a `shutdown` request and 1 otherwise, as the protocol specifies.
pub fn run() -> ExitCode {
    let transport = Transport::stdio();
    let code = serve(&transport);
    transport.finish();
    code
}

fn serve(transport: &Transport) -> ExitCode {
    let Some(id) = initialize(transport) else {
        return ExitCode::from(1);
    };
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "ekslint", "version": env!("CARGO_PKG_VERSION") },
    });
    transport.send(Response::new_ok(id, result).into());
    let server = Server {
        transport,
        paths: BTreeMap::new(),
        open: Open::new(),
        kept: Kept::default(),
        shown_error: None,
    };
    server.main_loop()
}

/// Waits for the `initialize` request; requests before it get an error. `None` when the
/// client exits or leaves first.
fn initialize(transport: &Transport) -> Option<RequestId> {
    for message in &transport.receiver {
        match message {
            Message::Request(r) if r.method == lsp::request::Initialize::METHOD => {
                return Some(r.id);
            }
            Message::Request(r) => transport.send(
                Response::new_err(
                    r.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("{} before initialize", r.method),
                )
                .into(),
            ),
            Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => {
                return None;
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
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
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::from(fixes::FIX_ALL.to_string()),
                ]),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

struct Server<'t> {
    transport: &'t Transport,
    /// The open documents ekslint reads, by URI.
    paths: BTreeMap<lsp::Uri, PathBuf>,
    /// Their texts, by path.
    open: Open,
    /// What the last lints read and parsed: a keystroke reads and parses only what changed.
    kept: Kept,
    /// The configuration error shown last, so that it is not shown again on every keystroke
    /// (cleared once a document lints).
    shown_error: Option<String>,
}

impl Server<'_> {
    /// Serves until `exit` (0 after `shutdown`, 1 before) or the end of input (1). After
    /// `shutdown`, requests get an error and notifications are ignored.
    fn main_loop(mut self) -> ExitCode {
        let mut shut_down = false;
        while let Ok(message) = self.transport.receiver.recv() {
            match message {
                Message::Request(r) if shut_down => self.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::InvalidRequest as i32,
                        format!("{} after shutdown", r.method),
                    )
                    .into(),
                ),
                Message::Request(r) if r.method == lsp::request::Shutdown::METHOD => {
                    shut_down = true;
                    self.send(Response::new_ok(r.id, ()).into());
                }
                Message::Request(r) => self.request(r),
                Message::Notification(n) if n.method == lsp::notification::Exit::METHOD => {
                    return ExitCode::from(if shut_down { 0 } else { 1 });
                }
                Message::Notification(_) if shut_down => {}
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
        ExitCode::from(1)
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
            // A bug in a rule or parser must not take the editor's server down with it.
            let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                document::lint(&path, &self.open, &self.kept)
            }))
            .unwrap_or_else(|_| Err(format!("internal error while linting {}", path.display())));
            let diagnostics = match linted {
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
        self.transport.send(message);
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
        } else if request.method == lsp::request::Initialize::METHOD {
            Response::new_err(
                request.id,
                ErrorCode::InvalidRequest as i32,
                "the server is initialized already".into(),
            )
        } else {
            Response::new_err(
                request.id,
                ErrorCode::MethodNotFound as i32,
                format!("ekslint does not handle {}", request.method),
            )
        };
        self.send(response.into());
    }

    /// The fixes of the findings in the request's range, an `ekslint:ignore` comment for each
    /// ekslint finding of the request, and the fix-all action.
    fn code_actions(&self, params: &lsp::CodeActionParams) -> lsp::CodeActionResponse {
        let uri = &params.text_document.uri;
        let Some((path, text)) = self
            .paths
            .get(uri)
            .and_then(|p| Some((p, self.open.get(p)?)))
        else {
            return Vec::new();
        };
        let only = params.context.only.as_deref();
        let quick = fixes::wanted(only, lsp::CodeActionKind::QUICKFIX.as_str());
        let all = fixes::wanted(only, fixes::FIX_ALL);
        let mut actions = Vec::new();
        let mut fix_all = None;
        if quick || all {
            // A bug in a rule or parser must not take the editor's server down with it.
            let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                document::lint(path, &self.open, &self.kept).ok()
            }))
            .ok()
            .flatten();
            if let Some(linted) = linted {
                if quick {
                    actions.extend(fixes::quick_fixes(
                        &linted,
                        params.range,
                        &params.context.diagnostics,
                    ));
                }
                if all {
                    fix_all = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        fixes::fix_all(path, &self.open, &self.kept, linted, uri)
                    }))
                    .ok()
                    .flatten();
                }
            }
        }
        if quick {
            actions.extend(self.ignore_comments(params, path, text));
        }
        actions.extend(fix_all);
        actions
    }

    /// An `ekslint:ignore` comment for each ekslint finding of the request.
    fn ignore_comments(
        &self,
        params: &lsp::CodeActionParams,
        path: &Path,
        text: &str,
    ) -> Vec<lsp::CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let mut actions = Vec::new();
        let Some(document) = quickfix::Commentable::of(path, text) else {
            return actions;
        };
        let mut seen = BTreeSet::new();
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
            let Some(fix) = document.ignore_comment(line, rule) else {
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
