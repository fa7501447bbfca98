//! The guided flow: the six steps an administrator goes through (files → check and fix →
//! connect → plan → run → verify, undo available), and which one they are at, derived from what
//! the check and the migration report of themselves ([`CheckStage`], [`MigrationStage`]).
//! Pure: tested natively; the stepper (components/stepper.rs) only shows it.

use crate::components::checker::model::Model as CheckModel;
use crate::components::migrate::model::{Model as MigrationModel, Phase};

/// One step of the flow, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// Drop the GLPI exports.
    Files,
    /// Read the problems, fix them in place, remove or replace files.
    Check,
    /// Open a session on the national GLPI.
    Connect,
    /// Prepare the plan and decide about missing values.
    Plan,
    /// Confirm and run.
    Run,
    /// Read everything back; undo stays available.
    Verify,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 6] = [
        Step::Files,
        Step::Check,
        Step::Connect,
        Step::Plan,
        Step::Run,
        Step::Verify,
    ];

    /// Its number, from 1.
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// The step after it, if any.
    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self as usize + 1).copied()
    }

    /// A stable name for tests and `data-step` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Step::Files => "files",
            Step::Check => "check",
            Step::Connect => "connect",
            Step::Plan => "plan",
            Step::Run => "run",
            Step::Verify => "verify",
        }
    }
}

/// Where the check is, as the check component reports it (`on_stage`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CheckStage {
    /// No file dropped.
    #[default]
    Empty,
    /// Files are being read and checked.
    Checking,
    /// Checked: this many errors are left to fix.
    Errors(usize),
    /// Checked: no error left.
    Clean,
}

impl CheckStage {
    /// The stage of the check component's state.
    pub fn of(model: &CheckModel) -> CheckStage {
        if model.files.is_empty() {
            return CheckStage::Empty;
        }
        if model.busy {
            return CheckStage::Checking;
        }
        match &model.report {
            None => CheckStage::Checking,
            Some(r) => match r.files.iter().map(|f| f.summary.errors).sum::<usize>() {
                0 => CheckStage::Clean,
                n => CheckStage::Errors(n),
            },
        }
    }
}

/// Where the migration is, as the migration component reports it (`on_stage`), in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum MigrationStage {
    /// No session.
    #[default]
    Disconnected,
    /// A session, no plan yet.
    Connected,
    /// A plan, not run.
    Planned,
    /// Running (or paused).
    Running,
    /// The run ended (done, cancelled or stopped on an error).
    Ran,
    /// Read back.
    Verified,
    /// Undone: the target is as before; a new plan can be made.
    Undone,
}

impl MigrationStage {
    /// The stage of the migration component's state.
    pub fn of(model: &MigrationModel) -> MigrationStage {
        if model.undo.is_some() {
            return MigrationStage::Undone;
        }
        match &model.phase {
            Phase::Running => return MigrationStage::Running,
            Phase::Undone => return MigrationStage::Undone,
            Phase::Ended { .. } | Phase::Failed(_) if model.verify.is_some() => {
                return MigrationStage::Verified
            }
            Phase::Ended { .. } | Phase::Failed(_) => return MigrationStage::Ran,
            Phase::Idle => {}
        }
        match (&model.connection, &model.plan) {
            (None, _) => MigrationStage::Disconnected,
            (Some(_), None) => MigrationStage::Connected,
            (Some(_), Some(_)) => MigrationStage::Planned,
        }
    }
}

/// The step the administrator is at: the first one not done. A step is done when what it is
/// for has happened (files dropped, errors fixed or the user moved on by connecting, a session,
/// a run started, a run ended, a read-back). After an undo the flow goes back to the plan.
pub fn current_step(check: CheckStage, migration: MigrationStage) -> Step {
    use MigrationStage as M;
    if migration == M::Undone {
        return Step::Plan;
    }
    let planned = migration >= M::Planned;
    let files_done = check != CheckStage::Empty || planned;
    let check_done = matches!(check, CheckStage::Clean) || migration >= M::Connected;
    let done = [
        files_done,
        check_done,
        migration >= M::Connected,
        migration >= M::Running,
        migration >= M::Ran,
    ];
    Step::ALL
        .into_iter()
        .zip(done)
        .find(|(_, d)| !d)
        .map_or(Step::Verify, |(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CheckStage as C;
    use MigrationStage as M;

    #[test]
    fn steps_are_numbered_in_order_and_chain() {
        let numbers: Vec<usize> = Step::ALL.iter().map(|s| s.number()).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
        assert_eq!(Step::Files.next(), Some(Step::Check));
        assert_eq!(Step::Run.next(), Some(Step::Verify));
        assert_eq!(Step::Verify.next(), None);
    }

    #[test]
    fn a_new_page_is_at_the_files() {
        assert_eq!(current_step(C::Empty, M::Disconnected), Step::Files);
        // Connecting first does not skip the files.
        assert_eq!(current_step(C::Empty, M::Connected), Step::Files);
    }

    #[test]
    fn files_with_errors_are_at_the_check_until_fixed_or_connected() {
        assert_eq!(current_step(C::Checking, M::Disconnected), Step::Check);
        assert_eq!(current_step(C::Errors(3), M::Disconnected), Step::Check);
        assert_eq!(current_step(C::Clean, M::Disconnected), Step::Connect);
        assert_eq!(current_step(C::Errors(3), M::Connected), Step::Plan);
    }

    #[test]
    fn the_migration_moves_the_flow_to_the_end() {
        assert_eq!(current_step(C::Clean, M::Connected), Step::Plan);
        // The plan is reviewed (missing values decided) until the run starts.
        assert_eq!(current_step(C::Clean, M::Planned), Step::Plan);
        assert_eq!(current_step(C::Clean, M::Running), Step::Run);
        assert_eq!(current_step(C::Clean, M::Ran), Step::Verify);
        assert_eq!(current_step(C::Clean, M::Verified), Step::Verify);
        // Files picked in the migration section: a plan means files.
        assert_eq!(current_step(C::Empty, M::Planned), Step::Plan);
    }

    #[test]
    fn an_undo_goes_back_to_the_plan() {
        assert_eq!(current_step(C::Clean, M::Undone), Step::Plan);
    }

    #[test]
    fn stages_of_a_fresh_check_and_migration() {
        assert_eq!(CheckStage::of(&CheckModel::default()), C::Empty);
        assert_eq!(
            MigrationStage::of(&MigrationModel::default()),
            M::Disconnected
        );
    }
}
