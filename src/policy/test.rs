//! `ekslint policy test`: runs the `test_*` rules of `*_test.rego` files the way `opa test` does
//! (a test passes when its rule is true), with the policies they test.

use super::{Policies, PolicyFile, eval, scan};

/// The outcome of one test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// False or undefined.
    Fail,
    /// The evaluation failed (or ran out of time), with the interpreter's message.
    Error(String),
}

/// A test and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestResult {
    /// The test file's display path.
    pub file: String,
    /// The rule path (`data.ekslint.policies.admin_test.test_x`).
    pub name: String,
    pub outcome: Outcome,
}

/// Every test's result, and the files that do not compile.
#[derive(Debug, Default)]
pub struct TestRun {
    pub results: Vec<TestResult>,
    /// `file:line:column: message` of each compile problem.
    pub problems: Vec<String>,
}

impl TestRun {
    /// Whether every test passed and every file compiled.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.results.iter().all(|r| r.outcome == Outcome::Pass)
    }

    /// The report: each test file with its results, then the counts.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for p in &self.problems {
            out.push_str(&format!("error: {p}\n"));
        }
        let mut file = None;
        for r in &self.results {
            if file != Some(&r.file) {
                out.push_str(&format!("{}:\n", r.file));
                file = Some(&r.file);
            }
            match &r.outcome {
                Outcome::Pass => out.push_str(&format!("{}: PASS\n", r.name)),
                Outcome::Fail => out.push_str(&format!("{}: FAIL\n", r.name)),
                Outcome::Error(m) => out.push_str(&format!("{}: ERROR\n  {m}\n", r.name)),
            }
        }
        let total = self.results.len();
        let count =
            |want: fn(&Outcome) -> bool| self.results.iter().filter(|r| want(&r.outcome)).count();
        out.push_str(&format!("{}\n", "-".repeat(80)));
        let pass = count(|o| *o == Outcome::Pass);
        let fail = count(|o| *o == Outcome::Fail);
        let error = count(|o| matches!(o, Outcome::Error(_)));
        if pass > 0 || total == 0 {
            out.push_str(&format!("PASS: {pass}/{total}\n"));
        }
        if fail > 0 {
            out.push_str(&format!("FAIL: {fail}/{total}\n"));
        }
        if error > 0 {
            out.push_str(&format!("ERROR: {error}/{total}\n"));
        }
        if !self.problems.is_empty() {
            out.push_str(&format!(
                "{} policy file(s) do not compile\n",
                self.problems.len()
            ));
        }
        out
    }
}

/// Compiles `files` (policies and tests) and runs every test, in file and then source order.
pub fn run(files: Vec<PolicyFile>) -> TestRun {
    let policies = Policies::compile(files);
    let mut run = TestRun {
        results: Vec::new(),
        problems: policies.describe_problems(),
    };
    let Some(engine) = &policies.engine else {
        return run;
    };
    let mut engine = engine.clone();
    let packages = engine.get_policy_package_components().unwrap_or_default();
    for (index, file) in policies.files.iter().enumerate() {
        let broken = policies.problems.iter().any(|p| p.file == index);
        if !file.is_test() || broken {
            continue;
        }
        let Some(package) = packages.iter().find(|p| p.source_file == file.display) else {
            continue;
        };
        let mut names: Vec<String> = scan::heads(&file.text, |n| n.starts_with("test_"))
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        // A test written in several parts (`test_x if {...}` twice) is one test.
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        for name in names {
            if !engine
                .has_declared_rule_rooted_at(&file.display, &name)
                .unwrap_or(false)
            {
                continue;
            }
            let path = format!("{}.{name}", super::rule_path(&package.components));
            let outcome = match engine.eval_rule(path.clone()) {
                Ok(regorus::Value::Bool(true)) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => Outcome::Error(eval::message_of(&e.to_string())),
            };
            run.results.push(TestResult {
                file: file.display.clone(),
                name: path,
                outcome,
            });
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_pass_fail_and_error() {
        let policy = PolicyFile {
            display: "p.rego".into(),
            text: "package ekslint.policies.p\n\ndeny contains n if {\n  some n in input.x\n  n < 0\n}\n".into(),
        };
        let tests = PolicyFile {
            display: "p_test.rego".into(),
            text: "package ekslint.policies.p_test\n\nimport data.ekslint.policies.p\n\ntest_negative_denied if {\n  count(p.deny) == 1 with input as {\"x\": [-1, 2]}\n}\n\ntest_wrong if {\n  count(p.deny) == 2 with input as {\"x\": [-1, 2]}\n}\n\ntest_broken if {\n  1 / 0 == 1\n}\n".into(),
        };
        let run = run(vec![policy, tests]);
        let outcomes: Vec<(&str, &Outcome)> = run
            .results
            .iter()
            .map(|r| (r.name.as_str(), &r.outcome))
            .collect();
        assert_eq!(outcomes.len(), 3, "{outcomes:?}");
        assert_eq!(
            outcomes[0],
            (
                "data.ekslint.policies.p_test.test_negative_denied",
                &Outcome::Pass
            )
        );
        assert_eq!(outcomes[1].1, &Outcome::Fail);
        assert!(
            matches!(outcomes[2].1, Outcome::Error(m) if m.contains("divide by zero")),
            "{outcomes:?}"
        );
        assert!(!run.passed());
        let text = run.render();
        assert!(
            text.contains("PASS: 1/3\nFAIL: 1/3\nERROR: 1/3\n"),
            "{text}"
        );
    }
}
