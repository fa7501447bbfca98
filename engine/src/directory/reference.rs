//! The reference exports the directory rules check against: profiles, privileges, services,
//! and the existing directory that M and S lines are matched with.

use super::format::{decode, split_lines};
use super::DirectoryError;

/// One record of the existing directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Directory key.
    pub cle: String,
    /// Login.
    pub login: String,
    /// Last name.
    pub nom: String,
    /// First name.
    pub prenom: String,
    /// Level-1 service.
    pub serv_niv1: String,
    /// Missions.
    pub missions: Vec<String>,
}

/// The reference data.
#[derive(Debug, Clone, Default)]
pub struct References {
    /// Allowed PROFIL values.
    pub profils: Vec<String>,
    /// Allowed PRIV values.
    pub privileges: Vec<String>,
    /// Allowed service paths (lower case): (niv1, niv2, niv3), empty strings for missing levels.
    pub services: Vec<(String, String, String)>,
    /// The existing directory.
    pub people: Vec<Person>,
}

/// Lower case, for the comparisons the rules make case-insensitive.
pub fn low(s: &str) -> String {
    s.trim().to_lowercase()
}

fn table(name: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), DirectoryError> {
    let (text, _) = decode(bytes);
    let mut lines = split_lines(&text).into_iter();
    let header = lines.next().ok_or_else(|| DirectoryError::BadReference {
        file: name.into(),
        reason: "fichier vide".into(),
    })?;
    let header: Vec<String> = header.split('\t').map(|s| s.trim().to_string()).collect();
    let rows = lines
        .map(|l| l.split('\t').map(|s| s.trim().to_string()).collect())
        .collect();
    Ok((header, rows))
}

fn column(header: &[String], name: &str, file: &str) -> Result<usize, DirectoryError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| DirectoryError::BadReference {
            file: file.into(),
            reason: format!("colonne {name} absente"),
        })
}

impl References {
    /// Reads the four exports.
    pub fn from_exports(
        profils: &[u8],
        privileges: &[u8],
        services: &[u8],
        existing: &[u8],
    ) -> Result<References, DirectoryError> {
        let first_column =
            |name: &str, bytes: &[u8], col: &str| -> Result<Vec<String>, DirectoryError> {
                let (h, rows) = table(name, bytes)?;
                let i = column(&h, col, name)?;
                Ok(rows
                    .into_iter()
                    .filter_map(|r| r.get(i).cloned())
                    .filter(|v| !v.is_empty())
                    .collect())
            };
        let profils = first_column("profils", profils, "PROFIL")?;
        let privileges = first_column("privileges", privileges, "PRIV")?;
        let (h, rows) = table("services", services)?;
        let (a, b, c) = (
            column(&h, "SERV_NIV1", "services")?,
            column(&h, "SERV_NIV2", "services")?,
            column(&h, "SERV_NIV3", "services")?,
        );
        let get = |r: &Vec<String>, i: usize| low(r.get(i).map(String::as_str).unwrap_or(""));
        let services = rows
            .iter()
            .map(|r| (get(r, a), get(r, b), get(r, c)))
            .collect();
        let (h, rows) = table("annuaire", existing)?;
        let idx = |n: &str| column(&h, n, "annuaire");
        let (cle, login, nom, prenom, serv) = (
            idx("CLE")?,
            idx("LOGIN")?,
            idx("NOM")?,
            idx("PRENOM")?,
            idx("SERV_NIV1")?,
        );
        let missions: Vec<usize> = h
            .iter()
            .enumerate()
            .filter(|(_, n)| n.starts_with("MISSION"))
            .map(|(i, _)| i)
            .collect();
        let cell = |r: &Vec<String>, i: usize| r.get(i).cloned().unwrap_or_default();
        let people = rows
            .iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .map(|r| Person {
                cle: cell(r, cle),
                login: cell(r, login),
                nom: cell(r, nom),
                prenom: cell(r, prenom),
                serv_niv1: cell(r, serv),
                missions: missions
                    .iter()
                    .map(|i| cell(r, *i))
                    .filter(|m| !m.is_empty())
                    .collect(),
            })
            .collect();
        Ok(References {
            profils,
            privileges,
            services,
            people,
        })
    }

    /// Whether a service path exists (empty levels are not checked).
    pub fn service_exists(&self, n1: &str, n2: &str, n3: &str) -> bool {
        let (n1, n2, n3) = (low(n1), low(n2), low(n3));
        self.services
            .iter()
            .any(|(a, b, c)| *a == n1 && (n2.is_empty() || *b == n2) && (n3.is_empty() || *c == n3))
    }
}
