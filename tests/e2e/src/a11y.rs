//! Accessibility and evidence at each step of a browser test: axe-core (npm, pinned in the
//! repository's package.json, installed into node_modules/ by scripts/bootstrap.sh) injected
//! into the page through WebDriver and run against WCAG 2.0/2.1 levels A and AA (what RGAA 4.1
//! requires); and a screenshot per step under the target directory (never committed).

use std::path::PathBuf;

use serde_json::Value;

use crate::{repo_root, Browser, HarnessError, Result};

/// The axe-core rule tags run: WCAG 2.0 and 2.1, levels A and AA.
pub const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// One rule axe-core found broken, with where.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// The rule's id (`color-contrast`, `label`, …).
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// The CSS selectors of the elements that break it (a frame path joined by ` >> `), each
    /// with axe's summary of what to fix.
    pub targets: Vec<(String, String)>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "- {} ({}, {} element(s)): {}",
            self.rule,
            self.impact,
            self.targets.len(),
            self.help
        )?;
        // The first elements, each with axe's first hint; the rest are alike.
        const SHOWN: usize = 5;
        for (target, summary) in self.targets.iter().take(SHOWN) {
            let hint = summary.lines().nth(1).unwrap_or(summary).trim();
            writeln!(f, "    {target} — {hint}")?;
        }
        if self.targets.len() > SHOWN {
            writeln!(f, "    … and {} more", self.targets.len() - SHOWN)?;
        }
        Ok(())
    }
}

/// The axe-core script of node_modules/.
fn axe_source() -> Result<String> {
    let path = repo_root().join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).map_err(|source| HarnessError::Io {
        context: format!(
            "reading {} (run bash scripts/bootstrap.sh, or bash scripts/node-modules.sh)",
            path.display()
        ),
        source,
    })
}

/// Runs axe-core on the page as it is now and returns the A/AA violations.
pub async fn axe_violations(browser: &Browser) -> Result<Vec<Violation>> {
    // Injected once per document (a reload drops it); WebDriver's scripts are not subject to
    // the page's Content-Security-Policy.
    let loaded = browser
        .client
        .execute("return typeof window.axe === 'object';", vec![])
        .await?;
    if loaded != Value::Bool(true) {
        let source = axe_source()?;
        browser
            .client
            .execute(&format!("{source}\n;return true;"), vec![])
            .await?;
    }
    let script = r#"
        const [tags, done] = arguments;
        window.axe.run(document, {
            runOnly: { type: 'tag', values: tags },
            resultTypes: ['violations'],
        }).then(
            (r) => done({ violations: r.violations.map((v) => ({
                rule: v.id,
                impact: v.impact || '',
                help: v.help,
                targets: v.nodes.map((n) => [n.target.join(' >> '), n.failureSummary || '']),
            })) }),
            (e) => done({ error: String(e) }),
        );
    "#;
    let tags = Value::from(WCAG_TAGS.to_vec());
    let answer = browser.client.execute_async(script, vec![tags]).await?;
    if let Some(error) = answer.get("error").and_then(Value::as_str) {
        return Err(HarnessError::Http {
            url: "axe.run".into(),
            detail: error.to_string(),
        });
    }
    let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    Ok(answer["violations"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|v| Violation {
            rule: text(v, "rule"),
            impact: text(v, "impact"),
            help: text(v, "help"),
            targets: v["targets"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|t| (text_at(t, 0), text_at(t, 1)))
                .collect(),
        })
        .collect())
}

fn text_at(v: &Value, i: usize) -> String {
    v[i].as_str().unwrap_or_default().to_string()
}

/// Fails, with a readable list (rule, impact, target selectors, what to fix), when axe-core
/// finds any WCAG 2.0/2.1 A or AA violation on the page. `step` names where in the test.
pub async fn assert_accessible(browser: &Browser, step: &str) {
    let violations = axe_violations(browser)
        .await
        .unwrap_or_else(|e| panic!("axe-core at step {step}: {e}"));
    if !violations.is_empty() {
        let list: String = violations.iter().map(ToString::to_string).collect();
        panic!(
            "axe-core: {} WCAG A/AA violation(s) at step {step}:\n{list}",
            violations.len()
        );
    }
}

/// The violations of every step of a walk through the page, reported together at the end (so
/// one run lists everything to fix, not only the first step's).
#[derive(Debug, Default)]
pub struct Audit {
    steps: Vec<(String, Vec<Violation>)>,
}

impl Audit {
    /// Runs axe-core on the page as it is at `step` and keeps what it found.
    pub async fn check(&mut self, browser: &Browser, step: &str) {
        let violations = axe_violations(browser)
            .await
            .unwrap_or_else(|e| panic!("axe-core at step {step}: {e}"));
        self.steps.push((step.to_string(), violations));
    }

    /// The steps checked, in order.
    pub fn steps(&self) -> Vec<&str> {
        self.steps.iter().map(|(s, _)| s.as_str()).collect()
    }

    /// Fails with every step's violations (rule, impact, targets) if any step had one.
    pub fn assert_clean(&self) {
        let failed: Vec<String> = self
            .steps
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(step, v)| {
                let list: String = v.iter().map(ToString::to_string).collect();
                format!("at step {step}:\n{list}")
            })
            .collect();
        assert!(
            failed.is_empty(),
            "axe-core: WCAG A/AA violations in {} of {} steps:\n{}",
            failed.len(),
            self.steps.len(),
            failed.join("")
        );
    }
}

/// Where the screenshots of a test run go: `<target dir>/screenshots/<lang>/` (the target
/// directory of the test binary, `CARGO_TARGET_DIR` included; never committed).
pub fn screenshot_dir(lang: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/debug/deps/flow-… → target
    let target = exe
        .ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target"));
    target.join("screenshots").join(lang)
}

/// Writes what the browser window shows to `screenshots/<lang>/<NN>-<step>.png` and returns
/// the file's path.
pub async fn screenshot(browser: &Browser, lang: &str, number: u32, step: &str) -> PathBuf {
    let dir = screenshot_dir(lang);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let png = browser
        .client
        .screenshot()
        .await
        .unwrap_or_else(|e| panic!("screenshot at step {step}: {e}"));
    let path = dir.join(format!("{number:02}-{step}.png"));
    std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}
