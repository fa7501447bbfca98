//! One migration session, the same for the command and the page: open (login, profile, entity)
//! → plan (one read of the target) → preflight (rights, before anything is written) → journal
//! (an interrupted run is only resumed on purpose) → run → verify → logout → report.
//!
//! No runtime, no thread: the [`Transport`] and the [`JournalSink`] are the adapters, so it
//! runs natively and in the browser alike.

use std::collections::BTreeMap;
use thiserror::Error;

use super::api::{Credentials, Transport};
use super::client::{CallError, ClientOptions, ClientStats, GlpiClient};
use super::journal::{Journal, Outcome};
use super::plan::{Draft, Plan, PlanOptions, TargetData};
use super::run::{
    self, Control, JournalSink, MissingRight, Progress, RunError, RunOptions, Runner, UndoSummary,
    VerifyReport,
};
use crate::glpi::{GlpiError, GlpiType, GlpiVersion};

/// Who connects, and where in GLPI.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSettings {
    /// Personal token or login and password.
    pub credentials: Credentials,
    /// Retries, backoff, ceiling of calls per second.
    pub client: ClientOptions,
    /// Active profile (the user's default when `None`).
    pub profile: Option<u64>,
    /// Active entity (`None`: the one GLPI opens the session in, the user's default; the page
    /// lets the user choose after seeing the list).
    pub entity: Option<u64>,
    /// Whether the active entity includes its sub-entities.
    pub recursive: bool,
}

/// Why a session stopped.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SessionError {
    /// The session could not be opened.
    #[error("connexion : {0}")]
    Login(CallError),
    /// The target's configuration (its version) could not be read.
    #[error("lecture de la version de GLPI : {0}")]
    Config(CallError),
    /// The target runs a GLPI version the migration does not support: nothing was sent.
    #[error("{0} ; rien n'a été envoyé")]
    Version(GlpiError),
    /// The profile could not be chosen.
    #[error("profil {id} : {error}")]
    Profile {
        /// Profile id.
        id: u64,
        /// GLPI's answer.
        error: CallError,
    },
    /// The entity could not be chosen.
    #[error("entité {id} : {error}")]
    Entity {
        /// Entity id.
        id: u64,
        /// GLPI's answer.
        error: CallError,
    },
    /// The target could not be read for the plan.
    #[error("lecture de la cible : {0}")]
    Target(CallError),
    /// The rights could not be read.
    #[error("vérification des droits : {0}")]
    Preflight(CallError),
    /// Rights are missing: nothing was written.
    #[error("droits manquants ({} types) : rien n'a été écrit", .0.len())]
    MissingRights(Vec<MissingRight>),
    /// The journal holds an interrupted run and no resume was asked.
    #[error("une migration a été interrompue ; reprenez-la (rien ne sera créé deux fois)")]
    Interrupted,
    /// The journal holds no run: nothing to undo.
    #[error("journal vide, rien à annuler")]
    NothingToUndo,
    /// The run stopped.
    #[error(transparent)]
    Run(#[from] RunError),
    /// Reading back failed.
    #[error("vérification : {0}")]
    Verify(CallError),
}

/// What a session did.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The journal, this run included.
    pub journal: Journal,
    /// Objects per item type and outcome.
    pub counts: BTreeMap<GlpiType, BTreeMap<Outcome, usize>>,
    /// The read-back, when asked.
    pub verify: Option<VerifyReport>,
    /// Calls, retries and re-logins.
    pub stats: ClientStats,
}

impl Report {
    fn new(journal: Journal, verify: Option<VerifyReport>, stats: ClientStats) -> Self {
        Report {
            counts: journal.counts(),
            journal,
            verify,
            stats,
        }
    }

    /// Whether every object is done (nothing rejected or failed) and the read-back, if any,
    /// found no difference.
    pub fn all_done(&self) -> bool {
        let clean = self
            .counts
            .values()
            .all(|o| !o.contains_key(&Outcome::Failed) && !o.contains_key(&Outcome::Rejected));
        clean && self.verify.as_ref().is_none_or(VerifyReport::is_clean)
    }
}

/// What a run is asked to do besides running.
pub struct RunRequest<'a, S: JournalSink, C: Control> {
    /// What earlier attempts journaled (empty for a first run).
    pub journal: Journal,
    /// Where new events are stored.
    pub sink: &'a S,
    /// Pause and cancel.
    pub control: &'a C,
    /// Batches.
    pub options: RunOptions,
    /// Name of the run in the journal.
    pub run_id: String,
    /// Whether an interrupted run in `journal` is to be resumed (refused otherwise).
    pub resume: bool,
    /// Read everything back afterwards.
    pub verify: bool,
    /// Told of the progress.
    pub observer: Box<dyn Fn(&Progress) + 'a>,
}

/// An open GLPI session and what it read of the target.
pub struct MigrationSession<'t> {
    client: GlpiClient<'t>,
    target: Option<TargetData>,
}

impl<'t> MigrationSession<'t> {
    /// Opens a session: login, then the profile and entity.
    pub async fn open<T: Transport>(
        transport: &'t T,
        settings: SessionSettings,
    ) -> Result<Self, SessionError> {
        let client = GlpiClient::new(transport, settings.credentials, settings.client);
        let session = MigrationSession {
            client,
            target: None,
        };
        if let Err(e) = session
            .start(settings.profile, settings.entity, settings.recursive)
            .await
        {
            session.close().await;
            return Err(e);
        }
        Ok(session)
    }

    async fn start(
        &self,
        profile: Option<u64>,
        entity: Option<u64>,
        recursive: bool,
    ) -> Result<(), SessionError> {
        self.client.login().await.map_err(SessionError::Login)?;
        self.client
            .read_version()
            .await
            .map_err(SessionError::Config)?
            .map_err(SessionError::Version)?;
        if let Some(id) = profile {
            self.client
                .set_profile(id)
                .await
                .map_err(|error| SessionError::Profile { id, error })?;
        }
        let Some(entity) = entity else { return Ok(()) };
        self.client
            .set_entity(entity, recursive)
            .await
            .map_err(|error| SessionError::Entity { id: entity, error })
    }

    /// The target's version, read at connection.
    pub fn version(&self) -> GlpiVersion {
        self.client.version().unwrap_or(GlpiVersion::V10)
    }

    /// The client, for what the session does not wrap (version, profiles, entities).
    pub fn client(&self) -> &GlpiClient<'t> {
        &self.client
    }

    /// Whether `journal` may be run: an interrupted run is only continued when asked.
    pub fn check_journal(journal: &Journal, resume: bool) -> Result<(), SessionError> {
        if journal.started() && !journal.finished() && !resume {
            return Err(SessionError::Interrupted);
        }
        Ok(())
    }

    /// Reads the target once (`in_flight` types at a time) and makes the plan; the run reuses
    /// that read.
    pub async fn plan(
        &mut self,
        draft: &Draft,
        options: &PlanOptions,
        in_flight: usize,
    ) -> Result<Plan, SessionError> {
        let target = run::read_target(&self.client, draft, in_flight)
            .await
            .map_err(SessionError::Target)?;
        let plan = draft.plan(&target, options);
        self.target = Some(target);
        Ok(plan)
    }

    /// Preflight, then the run (or its resume), then the read-back if asked: the report.
    /// Nothing is written when a right is missing.
    pub async fn run<S: JournalSink, C: Control>(
        &mut self,
        plan: &Plan,
        request: RunRequest<'_, S, C>,
    ) -> Result<Report, SessionError> {
        Self::check_journal(&request.journal, request.resume)?;
        let missing = run::preflight(&self.client, plan, false)
            .await
            .map_err(SessionError::Preflight)?;
        if !missing.is_empty() {
            return Err(SessionError::MissingRights(missing));
        }
        let mut runner = Runner::new(
            &self.client,
            request.journal,
            request.sink,
            request.control,
            request.options,
            request.observer,
        );
        // The plan's read is this session's and nothing was written since: the run's one read
        // per type is that one.
        if let Some(target) = self.target.take() {
            runner = runner.with_target(target);
        }
        runner.run(plan, &request.run_id).await?;
        let journal = runner.into_journal();
        let verify = if request.verify {
            Some(self.verify(plan, &journal).await?)
        } else {
            None
        };
        Ok(Report::new(journal, verify, self.client.stats()))
    }

    /// Reads back what `journal` says is on the target and compares it with the plan.
    pub async fn verify(
        &self,
        plan: &Plan,
        journal: &Journal,
    ) -> Result<VerifyReport, SessionError> {
        run::verify(&self.client, plan, journal)
            .await
            .map_err(SessionError::Verify)
    }

    /// Undoes what `journal`'s runs did; returns what was undone and the journal with it.
    pub async fn undo<S: JournalSink>(
        &self,
        journal: Journal,
        sink: &S,
        options: RunOptions,
    ) -> Result<(UndoSummary, Journal), SessionError> {
        if !journal.started() {
            return Err(SessionError::NothingToUndo);
        }
        let runner = Runner::new(
            &self.client,
            journal,
            sink,
            &run::ControlState::Running,
            options,
            Box::new(|_| {}),
        );
        let summary = runner.undo().await?;
        Ok((summary, runner.into_journal()))
    }

    /// Closes the session (`killSession`).
    pub async fn close(self) {
        self.client.logout().await;
    }
}
