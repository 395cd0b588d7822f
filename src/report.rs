//! The check-by-check record of a verification (`--explain`): each check's name, outcome
//! and one-line detail. Details are built only when recording, so batch verification pays
//! nothing for them.

use crate::error::Rejection;

/// The outcome of one check in a verification report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The check passed.
    Pass,
    /// The check failed (verification stops here).
    Fail,
    /// The check did not apply.
    Skip,
}

/// One line of the `--explain` report.
#[derive(Debug, Clone)]
pub struct Check {
    /// What was checked (`algorithm`, `signature`, `exp`, ...).
    pub name: String,
    /// How it went.
    pub outcome: Outcome,
    /// Details in one line.
    pub detail: String,
}

/// The check-by-check record of a verification. Details are built only when recording is on
/// (`--explain`), so batch verification pays nothing for them.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Checks in the order they ran.
    pub checks: Vec<Check>,
    /// Whether checks are recorded.
    pub recording: bool,
}

impl Report {
    /// A report that records every check.
    pub fn recording() -> Report {
        Report {
            checks: Vec::new(),
            recording: true,
        }
    }

    /// Records a check; `detail` is only evaluated when recording.
    pub fn add<S: Into<String>>(
        &mut self,
        name: &str,
        outcome: Outcome,
        detail: impl FnOnce() -> S,
    ) {
        if self.recording {
            self.checks.push(Check {
                name: name.to_string(),
                outcome,
                detail: detail().into(),
            });
        }
    }
    /// Records a check that passed.
    pub fn pass<S: Into<String>>(&mut self, name: &str, detail: impl FnOnce() -> S) {
        self.add(name, Outcome::Pass, detail);
    }
    /// Records a check that did not apply.
    pub fn skip<S: Into<String>>(&mut self, name: &str, detail: impl FnOnce() -> S) {
        self.add(name, Outcome::Skip, detail);
    }
    /// Records a failing check and returns the rejection.
    pub fn fail(&mut self, name: &str, r: Rejection) -> Rejection {
        self.add(name, Outcome::Fail, || {
            format!("{} [{}]", r.message, r.code)
        });
        r
    }
}
