//! Documents on a real GLPI: made on a source through its own API (never through Passerelle),
//! and read back as stored (sha1sum, file name, MIME type, category, the stored file's bytes,
//! the items it is linked to by natural key), for the suites that carry them.

use std::path::Path;

use serde_json::json;

use crate::two_glpis::api_call as curl;
use crate::{RealGlpi, RealGlpiError, Result};

/// A document category made in `glpi`'s database (`name` at the root of the tree); its id.
pub fn add_category(glpi: &RealGlpi, name: &str) -> Result<u64> {
    glpi.query(&format!(
        "INSERT INTO glpi_documentcategories (name, completename, level, documentcategories_id) \
         VALUES ('{name}', '{name}', 1, 0)"
    ))?;
    glpi.count(&format!(
        "SELECT MAX(id) FROM glpi_documentcategories WHERE name = '{name}'"
    ))
}

/// Uploads a document to `glpi` through its API (`multipart/form-data`, as GLPI's own form
/// does), in `entity` and `category` (0: none); its id. `dir` holds the file on its way.
pub fn upload(
    glpi: &RealGlpi,
    dir: &Path,
    filename: &str,
    bytes: &[u8],
    entity: u64,
    category: u64,
) -> Result<u64> {
    let session = curl(glpi, None, &[&format!("{}/initSession", glpi.api_url)])?;
    let session = session["session_token"].as_str().unwrap_or_default();
    let file = dir.join(filename);
    std::fs::write(&file, bytes).map_err(|e| RealGlpiError::Io(filename.into(), e))?;
    let manifest = json!({"input": {"name": format!("Pièce {filename}"), "entities_id": entity,
        "documentcategories_id": category, "_filename": [filename]}});
    let made = curl(
        glpi,
        Some(session),
        &[
            "-X",
            "POST",
            "-F",
            &format!("uploadManifest={manifest}"),
            "-F",
            &format!("filename[]=@{}", file.display()),
            &format!("{}/Document", glpi.api_url),
        ],
    )?;
    made["id"]
        .as_u64()
        .ok_or_else(|| RealGlpiError::Api(format!("upload: {made}")))
}

/// Links document `doc` to an item in `glpi`'s database, as GLPI stores a link made while the
/// item was open: GLPI's API refuses a document on a closed ticket, which a prefecture's
/// database holds anyway (attached before the ticket was closed).
pub fn link(glpi: &RealGlpi, doc: u64, itemtype: &str, id: u64) -> Result<()> {
    glpi.query(&format!(
        "INSERT INTO glpi_documents_items (documents_id, items_id, itemtype, entities_id, \
         date_creation, date_mod, date) SELECT {doc}, {id}, '{itemtype}', entities_id, NOW(), \
         NOW(), NOW() FROM glpi_documents WHERE id = {doc}"
    ))?;
    Ok(())
}

/// A document as stored: sha1sum, file name, MIME type, category, the stored file's bytes, and
/// the items it is linked to by natural key (`Computer serial-or-name`, `Ticket date title`),
/// sorted.
pub type Stored = (String, String, String, String, Vec<u8>, Vec<String>);

/// Every document of `glpi` as stored, its file read under GLPI's files directory.
pub fn stored(glpi: &RealGlpi) -> Result<Vec<Stored>> {
    let mut out = Vec::new();
    for row in glpi.query(
        "SELECT d.id, d.sha1sum, d.filename, d.mime, COALESCE(c.completename, ''), d.filepath \
         FROM glpi_documents d LEFT JOIN glpi_documentcategories c \
         ON c.id = d.documentcategories_id",
    )? {
        let cell = |i: usize| row[i].clone().unwrap_or_default();
        let bytes =
            std::fs::read(glpi.instance.dir().join("files").join(cell(5))).unwrap_or_default();
        let mut items: Vec<String> = glpi
            .query(&format!(
                "SELECT di.itemtype, COALESCE(NULLIF(TRIM(c.serial), ''), c.name, \
                 CONCAT(t.date, ' ', t.name)) \
                 FROM glpi_documents_items di \
                 LEFT JOIN glpi_computers c ON di.itemtype = 'Computer' AND c.id = di.items_id \
                 LEFT JOIN glpi_tickets t ON di.itemtype = 'Ticket' AND t.id = di.items_id \
                 WHERE di.documents_id = {}",
                cell(0)
            ))?
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(Option::unwrap_or_default)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        items.sort();
        out.push((cell(1), cell(2), cell(3), cell(4), bytes, items));
    }
    out.sort();
    Ok(out)
}

/// A PDF (category "Factures") on a closed ticket and a text on a computer, both of entity
/// `entity`: the documents the suites carry. The files are written under `dir`.
pub fn add_closed_ticket_and_computer_documents(
    glpi: &RealGlpi,
    entity: u64,
    dir: &Path,
) -> Result<()> {
    let first = |sql: &str| -> Result<u64> {
        glpi.query(sql)?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next().flatten())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| RealGlpiError::Mysql(format!("nothing from {sql}")))
    };
    let computer = first(&format!(
        "SELECT id FROM glpi_computers WHERE entities_id = {entity} AND is_deleted = 0 \
         AND is_template = 0 ORDER BY id LIMIT 1"
    ))?;
    let closed = first(&format!(
        "SELECT id FROM glpi_tickets WHERE entities_id = {entity} AND is_deleted = 0 \
         AND status = 6 ORDER BY id LIMIT 1"
    ))?;
    let category = add_category(glpi, "Factures")?;
    let pdf = upload(glpi, dir, "facture.pdf", PDF, entity, category)?;
    link(glpi, pdf, "Ticket", closed)?;
    let text = upload(glpi, dir, "releve.txt", TEXT, entity, 0)?;
    link(glpi, text, "Computer", computer)
}

/// A small PDF.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
/// A small text, accented.
pub const TEXT: &[u8] = "Relevé de l'intervention : écran remplacé.\n".as_bytes();
