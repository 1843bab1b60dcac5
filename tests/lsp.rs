//! `ekslint lsp` driven over stdio with real JSON-RPC messages (Content-Length framing), as an
//! editor drives it. Every wait has a timeout, so a broken server fails the test instead of
//! hanging it.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A running server and the messages it has sent.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ekslint"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start ekslint lsp");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result (panics on an error response).
    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let response = self.wait_for(|m| m["id"] == id && m.get("method").is_none());
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    /// The next message that `matches`; earlier other messages are dropped.
    fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if matches(&m) => return m,
                Ok(_) => {}
                Err(RecvTimeoutError::Timeout) => panic!("no expected message within {TIMEOUT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            }
        }
    }

    /// The diagnostics of the next publishDiagnostics for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .expect("diagnostics array")
            .clone()
    }

    /// Waits for the process to end and returns its exit code.
    fn wait_exit(mut self) -> Option<i32> {
        drop(self.stdin);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// A `file:` URI, percent-encoding what is not unreserved (as editors send it).
fn file_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_str().expect("UTF-8 path").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect()
}

fn initialize(server: &mut Server, root: &Path) {
    let result = server.request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": file_uri(root), "capabilities": {}}),
    );
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 1);
    assert_eq!(result["serverInfo"]["name"], "ekslint");
    server.notify("initialized", json!({}));
}

fn did_open(server: &mut Server, uri: &str, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
}

fn did_change(server: &mut Server, uri: &str, version: i64, text: &str) {
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

/// Unsaved text: a group with non-ASCII before it on its line (ü is 1 UTF-16 unit and 2 bytes,
/// 😀 is 2 units and 4 bytes), and a principal that a file on disk already has.
const MAIN: &str = r#"resource "aws_eks_access_entry" "a" {
  cluster_name      = "lsp"
  principal_arn     = "arn:aws:iam::111122223333:role/ops"
  # ünïcödé 😀
  kubernetes_groups = ["ü😀", "system:masters"]
}

resource "aws_eks_access_entry" "dup" {
  cluster_name  = "lsp"
  principal_arn = "arn:aws:iam::111122223333:role/shared"
}
"#;

const OTHER: &str = r#"resource "aws_eks_access_entry" "first" {
  cluster_name  = "lsp"
  principal_arn = "arn:aws:iam::111122223333:role/shared"
}
"#;

#[test]
fn diagnostics_code_actions_and_shutdown_over_stdio() {
    let root = tempfile::tempdir().expect("tempdir");
    let module = root.path().join("my module ü");
    std::fs::create_dir_all(&module).expect("mkdir");
    std::fs::write(module.join("a_other.tf"), OTHER).expect("write");
    // What is on disk is not what is linted: the editor's unsaved text is.
    std::fs::write(module.join("main.tf"), "# saved long ago\n").expect("write");
    let main_uri = file_uri(&module.join("main.tf"));
    let other_uri = file_uri(&module.join("a_other.tf"));

    let mut server = Server::start();
    initialize(&mut server, root.path());
    did_open(&mut server, &main_uri, MAIN);
    let diags = server.diagnostics(&main_uri);
    assert_eq!(codes(&diags), ["EKS125", "EKS104"], "{diags:#?}");

    // `  kubernetes_groups = ["ü😀", ` is 29 chars, 30 UTF-16 units, 33 bytes.
    let group = &diags[0];
    assert_eq!(
        group["range"],
        json!({"start": {"line": 4, "character": 30}, "end": {"line": 4, "character": 46}})
    );
    assert_eq!(group["severity"], 1);
    assert_eq!(group["source"], "ekslint");
    assert!(
        group["message"]
            .as_str()
            .is_some_and(|m| m.contains("system:masters") && m.contains("\nhelp: ")),
        "{group}"
    );
    assert_eq!(
        group["codeDescription"]["href"],
        "https://github.com/ekslint/ekslint/blob/main/rules/EKS125-system-group.md"
    );

    // The duplicate is found against the module's other file, read from disk.
    let dup = &diags[1];
    assert_eq!(dup["range"]["start"], json!({"line": 9, "character": 18}));
    let related = &dup["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], other_uri.as_str(), "{dup}");
    assert_eq!(related["location"]["range"]["start"]["line"], 2);

    // The quick fix writes an ignore comment above the finding, with its indentation.
    let actions = server.request(
        2,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": main_uri},
            "range": group["range"],
            "context": {"diagnostics": [group]},
        }),
    );
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    let edits = &action["edit"]["changes"][main_uri.as_str()];
    assert_eq!(
        edits,
        &json!([{
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}},
            "newText": "  # ekslint:ignore EKS125\n",
        }])
    );
    let mut lines: Vec<&str> = MAIN.lines().collect();
    lines.insert(4, "  # ekslint:ignore EKS125");
    let suppressed = lines.join("\n") + "\n";
    did_change(&mut server, &main_uri, 2, &suppressed);
    let diags = server.diagnostics(&main_uri);
    assert_eq!(codes(&diags), ["EKS104"], "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 10);

    // Fixing the duplicate clears the diagnostics; saving keeps them cleared.
    let fixed = suppressed.replace("role/shared", "role/other");
    did_change(&mut server, &main_uri, 3, &fixed);
    assert_eq!(server.diagnostics(&main_uri), Vec::<Value>::new());
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": main_uri}}),
    );
    assert_eq!(server.diagnostics(&main_uri), Vec::<Value>::new());

    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": main_uri}}),
    );
    assert_eq!(server.diagnostics(&main_uri), Vec::<Value>::new());

    let result = server.request(3, "shutdown", Value::Null);
    assert_eq!(result, Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn configuration_is_found_upward_and_errors_are_shown() {
    let root = tempfile::tempdir().expect("tempdir");
    let good = root.path().join("good/envs/prod");
    let bad = root.path().join("bad");
    std::fs::create_dir_all(&good).expect("mkdir");
    std::fs::create_dir_all(&bad).expect("mkdir");
    std::fs::write(
        root.path().join("good/.ekslint.toml"),
        "ignore = [\"system-group\"]\n",
    )
    .expect("write");
    std::fs::write(good.join("a_other.tf"), OTHER).expect("write");
    std::fs::write(bad.join(".ekslint.toml"), "ignor = []\n").expect("write");

    let mut server = Server::start();
    initialize(&mut server, root.path());
    let good_uri = file_uri(&good.join("main.tf"));
    did_open(&mut server, &good_uri, MAIN);
    assert_eq!(codes(&server.diagnostics(&good_uri)), ["EKS104"]);

    let bad_uri = file_uri(&bad.join("main.tf"));
    did_open(&mut server, &bad_uri, MAIN);
    let shown = server.wait_for(|m| m["method"] == "window/showMessage");
    let text = shown["params"]["message"].as_str().unwrap_or_default();
    assert!(
        text.contains("ignor") && text.contains(".ekslint.toml:1:1:"),
        "{shown}"
    );
    assert_eq!(server.diagnostics(&bad_uri), Vec::<Value>::new());

    // Files ekslint does not read get no diagnostics at all: nothing comes before the answer
    // to the next request.
    let readme = file_uri(&good.join("README.md"));
    did_open(&mut server, &readme, "# hi\n");
    server.send(json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    let next = server.wait_for(|_| true);
    assert_eq!(next["id"], 2, "{next}");
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let mut server = Server::start();
    initialize(&mut server, Path::new("/"));
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(1));
}

#[test]
fn cloudformation_yaml_documents_get_diagnostics_and_the_quick_fix() {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = file_uri(&dir.path().join("stack.yaml"));
    let template = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Entry:
    Type: AWS::EKS::AccessEntry
    Properties:
      ClusterName: prod
      PrincipalArn: arn:aws:iam::111122223333:role/ops
      KubernetesGroups: ["ü😀", system:masters]
"#;
    let mut server = Server::start();
    initialize(&mut server, dir.path());
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": template}}),
    );
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS125"], "{diags:#?}");
    // `      KubernetesGroups: ["ü😀", ` is 31 chars and 32 UTF-16 units.
    assert_eq!(
        diags[0]["range"],
        json!({"start": {"line": 7, "character": 32}, "end": {"line": 7, "character": 46}})
    );
    let actions = server.request(
        2,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        }),
    );
    let edit = &actions[0]["edit"]["changes"][uri.as_str()][0];
    assert_eq!(edit["newText"], "      # ekslint:ignore EKS125\n");
    assert_eq!(edit["range"]["start"], json!({"line": 7, "character": 0}));
    let fixed = template.replace(
        "      KubernetesGroups",
        "      # ekslint:ignore EKS125\n      KubernetesGroups",
    );
    did_change(&mut server, &uri, 2, &fixed);
    assert_eq!(server.diagnostics(&uri), Vec::<Value>::new());

    server.request(3, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn values_come_from_the_module_and_the_configured_var_files() {
    let root = tempfile::tempdir().expect("tempdir");
    let module = root.path().join("mod");
    std::fs::create_dir_all(&module).expect("mkdir");
    std::fs::write(
        module.join("variables.tf"),
        "variable \"entry_type\" {\n  default = \"Standard\"\n}\n",
    )
    .expect("write");
    let entries = "resource \"aws_eks_access_entry\" \"a\" {\n  cluster_name  = \"x\"\n  principal_arn = \"arn:aws:iam::111122223333:role/a\"\n  type          = var.entry_type\n}\n";
    let uri = file_uri(&module.join("entries.tf"));

    let mut server = Server::start();
    initialize(&mut server, root.path());
    did_open(&mut server, &uri, entries);
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS105"], "{diags:#?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("\"Standard\"")
    );
    let origin = &diags[0]["relatedInformation"][0]["location"];
    assert_eq!(origin["uri"], file_uri(&module.join("variables.tf")));
    assert_eq!(
        origin["range"]["start"],
        json!({"line": 1, "character": 12})
    );

    // `[terraform] var-files` of the configuration found upward: the value comes from there.
    std::fs::write(
        root.path().join("prod.tfvars"),
        "entry_type = \"EC2_Linux\"\n",
    )
    .expect("write");
    std::fs::write(
        root.path().join(".ekslint.toml"),
        "[terraform]\nvar-files = [\"prod.tfvars\"]\n",
    )
    .expect("write");
    server.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS105"], "{diags:#?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("\"EC2_Linux\"")
    );
    let origin = &diags[0]["relatedInformation"][0]["location"];
    assert_eq!(
        origin["uri"],
        file_uri(&root.path().join("prod.tfvars")),
        "{diags:#?}"
    );

    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}
