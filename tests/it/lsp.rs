//! `ekslint lsp` driven over stdio with real JSON-RPC messages, as an editor drives it
//! (`support/lsp.rs`).

use crate::support::lsp::{
    Server, did_change, did_open, did_open_as, did_save, file_uri, initialize,
};
use serde_json::{Value, json};
use std::path::Path;

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().expect("code"))
        .collect()
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
    did_save(&mut server, &main_uri);
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
    did_open_as(&mut server, &uri, "yaml", template);
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

/// An entry whose type is the variable `entry_type`.
const ENTRY_OF_TYPE_VARIABLE: &str = "resource \"aws_eks_access_entry\" \"a\" {\n  cluster_name  = \"x\"\n  principal_arn = \"arn:aws:iam::111122223333:role/a\"\n  type          = var.entry_type\n}\n";

/// The variable `entry_type` with its default.
fn entry_type_variable(default: &str) -> String {
    format!("variable \"entry_type\" {{\n  default = \"{default}\"\n}}\n")
}

#[test]
fn values_come_from_the_module_and_the_configured_var_files() {
    let root = tempfile::tempdir().expect("tempdir");
    let module = root.path().join("mod");
    std::fs::create_dir_all(&module).expect("mkdir");
    std::fs::write(module.join("variables.tf"), entry_type_variable("Standard")).expect("write");
    let entries = ENTRY_OF_TYPE_VARIABLE;
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
    did_save(&mut server, &uri);
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

/// The server with `entries.tf` open in `root`, an entry whose type comes from `variables.tf`
/// (`default`). With `settle`, the files are left unchanged for two seconds first, so that the
/// server keeps what it reads of them.
fn open_typed_entry(root: &Path, default: &str, settle: bool) -> (Server, String) {
    std::fs::write(root.join("variables.tf"), entry_type_variable(default)).expect("write");
    if settle {
        std::thread::sleep(std::time::Duration::from_millis(2100));
    }
    let uri = file_uri(&root.join("entries.tf"));
    let mut server = Server::start();
    initialize(&mut server, root);
    did_open(&mut server, &uri, ENTRY_OF_TYPE_VARIABLE);
    (server, uri)
}

/// The document's one finding: EKS105 for the entry type `value`.
fn entry_type_finding(server: &mut Server, uri: &str, value: &str) -> Value {
    let diags = server.diagnostics(uri);
    assert_eq!(codes(&diags), ["EKS105"], "{diags:#?}");
    let message = diags[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&format!("\"{value}\"")), "{diags:#?}");
    diags[0].clone()
}

/// The server keeps the module's parsed files between lints: a file changed on disk, and a new
/// file that comes first (so that every file's place in the run moves), are read anew.
#[test]
fn module_files_changed_on_disk_are_parsed_again() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut server, uri) = open_typed_entry(root.path(), "Standard", false);
    let expect = |server: &mut Server, value: &str, file: &str| {
        let finding = entry_type_finding(server, &uri, value);
        let origin = &finding["relatedInformation"][0]["location"];
        assert_eq!(
            origin["uri"],
            file_uri(&root.path().join(file)),
            "{finding:#?}"
        );
    };
    expect(&mut server, "Standard", "variables.tf");

    let variables = root.path().join("variables.tf");
    std::fs::write(&variables, entry_type_variable("Linux")).expect("write");
    did_save(&mut server, &uri);
    expect(&mut server, "Linux", "variables.tf");

    std::fs::remove_file(&variables).expect("remove");
    std::fs::write(
        root.path().join("a_vars.tf"),
        entry_type_variable("Windows"),
    )
    .expect("write");
    did_save(&mut server, &uri);
    expect(&mut server, "Windows", "a_vars.tf");

    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

/// The server keeps the text of a module file it read until the file changes: a settled file
/// (unchanged for two seconds, so that it is kept) rewritten with text of the same size is read
/// anew.
#[test]
fn a_kept_module_file_rewritten_with_the_same_size_is_read_again() {
    let root = tempfile::tempdir().expect("tempdir");
    let (mut server, uri) = open_typed_entry(root.path(), "Standard", true);
    entry_type_finding(&mut server, &uri, "Standard");
    // Linted again from what was kept.
    did_save(&mut server, &uri);
    entry_type_finding(&mut server, &uri, "Standard");
    let variables = root.path().join("variables.tf");
    std::fs::write(&variables, entry_type_variable("Standarx")).expect("write");
    did_save(&mut server, &uri);
    entry_type_finding(&mut server, &uri, "Standarx");

    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

/// A file of the document's module that links out of the project is not read, as on the
/// command line: a pull request cannot make the editor read what the link points at. The same
/// file copied into the project is read, so that a read shows.
#[cfg(unix)]
#[test]
fn a_module_file_linked_out_of_the_project_is_not_read() {
    const SECRET: &str = "AKIAEXAMPLESECRET0123";
    let root = tempfile::tempdir().expect("tempdir");
    let outside = tempfile::tempdir().expect("tempdir");
    let locals = format!("locals {{\n  who = \"{SECRET}\"\n}}\n");
    std::fs::write(outside.path().join("locals.tf"), &locals).expect("write");
    let linked = root.path().join("locals.tf");
    std::os::unix::fs::symlink(outside.path().join("locals.tf"), &linked).expect("symlink");
    let entry = "resource \"aws_eks_access_entry\" \"a\" {\n  cluster_name  = \"x\"\n  principal_arn = local.who\n}\n";
    let uri = file_uri(&root.path().join("main.tf"));
    let mut server = Server::start();
    initialize(&mut server, root.path());
    did_open(&mut server, &uri, entry);
    let diags = server.diagnostics(&uri);
    assert!(
        !Value::from(diags.clone()).to_string().contains(SECRET),
        "{diags:#?}"
    );

    std::fs::remove_file(&linked).expect("remove");
    std::fs::write(&linked, &locals).expect("write");
    did_save(&mut server, &uri);
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS101"], "{diags:#?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains(SECRET),
        "{diags:#?}"
    );

    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

/// `body` framed with its length.
fn framed(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// The error of the next error response.
fn next_error(server: &mut Server) -> (Value, i64) {
    let m = server.wait_for(|m| m.get("error").is_some());
    (
        m["id"].clone(),
        m["error"]["code"].as_i64().expect("an error code"),
    )
}

const TYPO: &str = "resource \"aws_eks_access_entry\" \"a\" {\n  cluster_name  = \"c\"\n  principal_arn = \"arn:aws:iam::111122223333:role/ops\"\n  type          = \"Standard\"\n}\n";

#[test]
fn malformed_frames_get_errors_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = file_uri(&dir.path().join("main.tf"));
    let mut server = Server::start();
    server.send(
        json!({"jsonrpc": "2.0", "id": 9, "method": "textDocument/codeAction", "params": {}}),
    );
    assert_eq!(
        next_error(&mut server),
        (json!(9), -32002),
        "before initialize"
    );
    initialize(&mut server, dir.path());

    // A length that is not a number: the header is dropped, and its body is skipped up to the
    // next header (the shutdown inside is not obeyed, or no diagnostics would come below).
    server.send_raw(
        b"Content-Length: many\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"shutdown\"}",
    );
    server.send_raw(&framed("{oops"));
    assert_eq!(next_error(&mut server), (Value::Null, -32700), "not JSON");
    server.send_raw(&framed(r#"{"jsonrpc":"2.0","id":7}"#));
    assert_eq!(next_error(&mut server), (json!(7), -32600), "no method");
    server.send_raw(&framed("[1, 2]"));
    assert_eq!(
        next_error(&mut server),
        (Value::Null, -32600),
        "not an object"
    );
    server.send_raw(&framed(
        r#"{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}"#,
    ));
    assert_eq!(
        next_error(&mut server),
        (Value::Null, -32600),
        "an id that is an object"
    );

    did_open(&mut server, &uri, TYPO);
    assert_eq!(codes(&server.diagnostics(&uri)), ["EKS105"]);

    // After shutdown, requests are errors and notifications are ignored: the answer to the
    // request is the next message, not diagnostics for the change.
    server.request(3, "shutdown", Value::Null);
    did_change(&mut server, &uri, 2, &TYPO.replace("Standard", "Standrd"));
    server.send(
        json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/codeAction", "params": {}}),
    );
    let next = server.wait_for(|_| true);
    assert_eq!(
        (next["id"].clone(), next["error"]["code"].clone()),
        (json!(4), json!(-32600)),
        "{next}"
    );
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn a_huge_content_length_is_skipped_not_allocated() {
    let mut server = Server::start();
    initialize(&mut server, Path::new("/"));
    server.send_raw(format!("Content-Length: {}\r\n\r\n{{\"jsonrpc\":", u64::MAX).as_bytes());
    // Its body could only end with the input: then the server answers and, never told to
    // exit, ends with code 1.
    server.close_input();
    assert_eq!(next_error(&mut server), (Value::Null, -32600));
    assert_eq!(server.wait_exit(), Some(1));
}

#[test]
fn the_end_of_input_without_exit_is_an_error() {
    let mut server = Server::start();
    initialize(&mut server, Path::new("/"));
    server.request(2, "shutdown", Value::Null);
    assert_eq!(server.wait_exit(), Some(1));
}

#[test]
fn lone_cr_line_ends_count_as_the_editor_counts_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = file_uri(&dir.path().join("stack.yaml"));
    let template = "Resources:\r  E:\r    Type: AWS::EKS::AccessEntry\r    Properties:\r      ClusterName: x\r      PrincipalArn: arn:aws:iam::111122223333:role/c\r      Type: Standard\r";
    let mut server = Server::start();
    initialize(&mut server, dir.path());
    did_open(&mut server, &uri, template);
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS105"], "{diags:#?}");
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 6, "character": 12})
    );
    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn a_duplicate_typed_into_a_file_that_sorts_first_is_shown_there() {
    let root = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        root.path().join("main.tf"),
        "resource \"aws_eks_access_entry\" \"ops\" {\n  cluster_name  = \"x\"\n  principal_arn = \"arn:aws:iam::111122223333:role/ops\"\n}\n",
    )
    .expect("write");
    let uri = file_uri(&root.path().join("a_new.tf"));
    let mut server = Server::start();
    initialize(&mut server, root.path());
    did_open(&mut server, &uri, "");
    assert_eq!(server.diagnostics(&uri), Vec::<Value>::new());
    // The entry just typed duplicates main.tf's; main.tf comes later in output order, but the
    // finding is shown in the open document, naming main.tf's entry.
    let typed = "resource \"aws_eks_access_entry\" \"again\" {\n  cluster_name  = \"x\"\n  principal_arn = \"arn:aws:iam::111122223333:role/ops\"\n}\n";
    did_change(&mut server, &uri, 2, typed);
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS104"], "{diags:#?}");
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 2, "character": 18})
    );
    let other = &diags[0]["relatedInformation"][0]["location"];
    assert_eq!(other["uri"], file_uri(&root.path().join("main.tf")));
    assert_eq!(other["range"]["start"], json!({"line": 2, "character": 18}));

    server.request(2, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

/// A fixable type and a repeated group, with characters of two UTF-16 units before them.
const FIXABLE: &str = r#"resource "aws_eks_access_entry" "a" {
  cluster_name      = "lsp"
  principal_arn     = "arn:aws:iam::111122223333:role/ops"
  kubernetes_groups = ["ü😀", "ops", "ü😀"]
  /* ü😀 */ type = "Standard"
}
"#;

#[test]
fn quick_fixes_and_fix_all_edit_exact_utf16_ranges() {
    let root = tempfile::tempdir().expect("tempdir");
    let main = root.path().join("main.tf");
    std::fs::write(&main, "").expect("write");
    let uri = file_uri(&main);
    let mut server = Server::start();
    initialize(&mut server, root.path());
    did_open(&mut server, &uri, FIXABLE);
    let diags = server.diagnostics(&uri);
    assert_eq!(codes(&diags), ["EKS126", "EKS105"], "{diags:#?}");
    let ty = &diags[1];
    // `  /* ü😀 */ type = "` is 20 UTF-16 units (😀 is two).
    assert_eq!(
        ty["range"],
        json!({"start": {"line": 4, "character": 19}, "end": {"line": 4, "character": 29}})
    );

    let actions = server.request(
        2,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": ty["range"],
            "context": {"diagnostics": [ty]},
        }),
    );
    let fix = &actions[0];
    assert_eq!(fix["title"], "Replace with \"STANDARD\" (EKS105)");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(fix["diagnostics"][0]["code"], "EKS105");
    assert_eq!(
        fix["edit"]["changes"][uri.as_str()],
        json!([{
            "range": {"start": {"line": 4, "character": 20}, "end": {"line": 4, "character": 28}},
            "newText": "STANDARD",
        }])
    );
    // The ignore comment is still offered, after the fix.
    assert_eq!(
        actions[1]["title"],
        "Ignore EKS105 here (ekslint:ignore comment)"
    );

    // The repeated group goes with the comma before it.
    let group = &diags[0];
    let actions = server.request(
        3,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": group["range"],
            "context": {"diagnostics": [group]},
        }),
    );
    // `  kubernetes_groups = ["ü😀", "ops"` is 35 units; `, "ü😀"` 7 more.
    assert_eq!(
        actions[0]["edit"]["changes"][uri.as_str()],
        json!([{
            "range": {"start": {"line": 3, "character": 35}, "end": {"line": 3, "character": 42}},
            "newText": "",
        }])
    );

    // Fix all: one edit from the first changed character to the last.
    let actions = server.request(
        4,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions:#}");
    assert_eq!(actions[0]["kind"], "source.fixAll.ekslint");
    let edits = &actions[0]["edit"]["changes"][uri.as_str()];
    assert_eq!(
        edits,
        &json!([{
            "range": {"start": {"line": 3, "character": 35}, "end": {"line": 4, "character": 28}},
            "newText": "]\n  /* ü😀 */ type = \"STANDARD",
        }])
    );
    let fixed = FIXABLE
        .replace(", \"ops\", \"ü😀\"]", ", \"ops\"]")
        .replace("\"Standard\"", "\"STANDARD\"");
    did_change(&mut server, &uri, 2, &fixed);
    assert_eq!(server.diagnostics(&uri), Vec::<Value>::new());
    let result = server.request(5, "shutdown", Value::Null);
    assert_eq!(result, Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}

#[test]
fn a_code_action_over_many_findings_links_each_fix_and_offers_each_ignore_comment() {
    // Each fix looked for its diagnostic among all the request's, and each ignore comment
    // split the document into lines again: quadratic in the findings of the range.
    let n = 400;
    let dir = tempfile::tempdir().expect("tempdir");
    let uri = file_uri(&dir.path().join("stack.yaml"));
    let head = "Resources:\n  Entry:\n    Type: AWS::EKS::AccessEntry\n    Properties:\n      ClusterName: prod\n      PrincipalArn: arn:aws:iam::111122223333:role/ops\n      KubernetesGroups:\n";
    let template = format!("{head}{}", "        - devs\n".repeat(n));
    let mut server = Server::start();
    initialize(&mut server, dir.path());
    did_open_as(&mut server, &uri, "yaml", &template);
    let diags = server.diagnostics(&uri);
    // Every item after the first repeats it (EKS126), at `devs` on its own line.
    let first = head.lines().count();
    let lines: Vec<u64> = (first + 1..first + n).map(|l| l as u64).collect();
    let at = |d: &Value| d["range"]["start"]["line"].as_u64().expect("a line");
    assert_eq!(
        diags.iter().map(at).collect::<Vec<_>>(),
        lines,
        "{diags:#?}"
    );
    let actions = server.request(
        2,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": first + n, "character": 0}},
            "context": {"diagnostics": diags, "only": ["quickfix"]},
        }),
    );
    let actions = actions.as_array().expect("actions");
    let (fixes, ignores): (Vec<&Value>, Vec<&Value>) = actions
        .iter()
        .partition(|a| a["title"] == "Remove the repeated group (EKS126)");
    assert_eq!(fixes.len(), n - 1);
    assert_eq!(ignores.len(), n - 1);
    for (i, (fix, ignore)) in fixes.iter().zip(&ignores).enumerate() {
        // Each fix is linked to its own diagnostic and removes its line.
        assert_eq!(fix["diagnostics"], json!([diags[i]]));
        assert_eq!(
            fix["edit"]["changes"][uri.as_str()],
            json!([{
                "range": {"start": {"line": lines[i], "character": 0}, "end": {"line": lines[i] + 1, "character": 0}},
                "newText": "",
            }])
        );
        // Each ignore comment goes above its finding's line, indented as it is.
        assert_eq!(ignore["diagnostics"], json!([diags[i]]));
        assert_eq!(
            ignore["edit"]["changes"][uri.as_str()][0]["newText"],
            "        # ekslint:ignore EKS126\n"
        );
        assert_eq!(
            ignore["edit"]["changes"][uri.as_str()][0]["range"]["start"],
            json!({"line": lines[i], "character": 0})
        );
    }
    server.request(3, "shutdown", Value::Null);
    server.notify("exit", Value::Null);
    assert_eq!(server.wait_exit(), Some(0));
}
