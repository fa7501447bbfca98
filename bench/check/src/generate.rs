//! A deterministic generator of GLPI 10.0.11 Computer exports (French interface), byte for byte
//! in the format of `../shared/samples/glpi-10.0.11-export/fr/Computer.csv`: UTF-8 with a BOM,
//! `;` delimiter, every field quoted, header included, an extra `;` ending every line, LF endings,
//! `"` written as `''`, tree paths `A > B`, several values joined by `<br>`, thousands separated
//! by a space, dates `YYYY-MM-DD` and `YYYY-MM-DD HH:MM`, and some cells holding line breaks.
//!
//! No external data: every value comes from the lists below and a seeded PRNG, so the same seed
//! and size always give the same bytes.

/// The header of a GLPI 10.0.11 French Computer list export (the sample's, byte for byte).
pub const HEADERS: [&str; 27] = [
    "Nom",
    "Entité",
    "ID",
    "Numéro de série",
    "Numéro d'inventaire",
    "Fabricant",
    "Modèle",
    "Type",
    "Statut",
    "Lieu",
    "Utilisateur",
    "Usager",
    "Groupe",
    "Technicien responsable",
    "Groupe responsable",
    "Système d'exploitation - Nom",
    "Système d'exploitation - Version",
    "Réseau - IP",
    "Réseau - Adresse MAC",
    "Moniteurs - Nombre de moniteurs",
    "Informations financières et administratives - Date d'achat",
    "Informations financières et administratives - Date d'expiration de la garantie",
    "Informations financières et administratives - Valeur",
    "Informations financières et administratives - Fournisseur",
    "Commentaires",
    "Date de création",
    "Dernière modification",
];

/// The seed the benchmarks use.
pub const DEFAULT_SEED: u64 = 0x5041_5353_4552_454c; // "PASSEREL"

/// One in this many rows has a login stored with a real line break (`GUYANE\noel.sylvestre`
/// typed, GLPI kept a line feed): the check reports a warning on each.
pub const DAMAGED_LOGIN_EVERY: u64 = 1_000;

const SITES: [(&str, &[&str]); 3] = [
    (
        "CAY",
        &[
            "Cayenne > Bâtiment A > Rez-de-chaussée",
            "Cayenne > Bâtiment A > 1er étage",
            "Cayenne > Bâtiment B",
            "Cayenne > Bâtiment B > Salle serveurs & réseau",
        ],
    ),
    ("SLM", &["Saint-Laurent-du-Maroni > Sous-préfecture"]),
    ("KOU", &["Kourou > Antenne de la préfecture"]),
];

/// A model and its computer type.
type Model = (&'static str, &'static str);

/// (manufacturer, serial prefix, serial length, models).
const MAKERS: [(&str, &str, usize, &[Model]); 3] = [
    (
        "HP Inc.",
        "CZC",
        7,
        &[
            ("EliteDesk 800 G6", "Poste fixe"),
            ("ProDesk 400 G9", "Poste fixe"),
            ("EliteBook 840 G9", "Portable"),
        ],
    ),
    (
        "Dell Inc.",
        "",
        7,
        &[
            ("OptiPlex 5000", "Poste fixe"),
            ("Latitude 5430", "Portable"),
            ("PowerEdge R650", "Serveur"),
        ],
    ),
    (
        "Lenovo",
        "PF",
        6,
        &[
            ("ThinkPad T14 Gen 3", "Portable"),
            ("ThinkCentre M70q Gen 3", "Poste fixe"),
        ],
    ),
];

const STATUSES: [&str; 8] = [
    "En service",
    "En service",
    "En service",
    "En service",
    "En stock",
    "En panne",
    "Réformé",
    "En service > Prêt temporaire",
];

/// (last name, first name, login).
const PEOPLE: [(&str, &str, &str); 16] = [
    ("Tiburce", "Kévin", "kevin.tiburce"),
    ("Ursulet", "Nadège", "nadege.ursulet"),
    ("Horth", "Joséphine", "josephine.horth"),
    ("Nguyên", "François", "francois.nguyen"),
    ("Gaillard", "Inès", "ines.gaillard"),
    ("Chow-Chine", "Léa", "lea.chow-chine"),
    ("Jean-Baptiste", "Raphaël", "raphael.jean-baptiste"),
    ("Saint-Éloi", "Armelle", "armelle.saint-eloi"),
    ("Célestine", "Rodolphe", "rodolphe.celestine"),
    ("Lô", "Sophie", "sophie.lo"),
    ("Dupré", "Chloé", "chloe.dupre"),
    ("Zénon", "Sandrine", "sandrine.zenon"),
    ("Ho-A-Sim", "Maëlle", "maelle.ho-a-sim"),
    ("Lefèvre", "Jérôme", "jerome.lefevre"),
    ("Cléon", "Maryse", "maryse.cleon"),
    ("Marie-Sainte", "Gaëlle", "gaelle.marie-sainte"),
];

const TECHNICIANS: [&str; 6] = [
    "Tiburce Kévin",
    "Ho-A-Sim Maëlle",
    "Zénon Sandrine",
    "Lefèvre Jérôme",
    "Célestine Rodolphe",
    " ",
];

const GROUPS: [&str; 6] = [
    "",
    "",
    "",
    "SIDSIC",
    "SIDSIC > Support de proximité",
    "Cabinet du préfet",
];

const OSES: [(&str, &str); 4] = [
    ("Microsoft Windows 11 Entreprise", "23H2"),
    ("Microsoft Windows 11 Entreprise", "22H2"),
    ("Microsoft Windows 10 Entreprise", "22H2"),
    ("Microsoft Windows Server 2022 Standard", "21H2"),
];

const VALUES: [&str; 8] = [
    "689.00", "742.50", "815.90", "899.00", "1 189.90", "1 249.00", "1 049.00", "4 870.00",
];

/// Comments, `"` already written GLPI's way (`''`); some span two lines.
const COMMENTS: [&str; 8] = [
    "Poste de l'accueil ; écran tactile à vérifier",
    "Ne pas réaffecter : poste ''VIP'' du cabinet",
    "Prêté à la sous-préfecture ''en attendant'' le renouvellement",
    "Clavier AZERTY ; souris sans fil\nAdaptateur USB-C → HDMI fourni",
    "Réinstallé le 12/03/2025\nDisque SSD remplacé (garantie)",
    "Virtualisation ; hyperviseur principal",
    "Batterie à remplacer — autonomie < 1 h",
    "Écran 27\" remplacé\nAncien écran : réformé",
];

/// A small, fast, well-mixed PRNG (SplitMix64): enough for test data, no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// One element of `list`.
    pub fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.below(list.len() as u64) as usize]
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

/// A generated export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Data rows (the header excluded).
    pub rows: usize,
    /// Rows whose `Usager` holds a line break (each draws one warning).
    pub damaged_logins: usize,
}

/// Generates an export of at least `min_bytes` bytes (whole rows; stops at the first row that
/// reaches the size), the same bytes for the same `seed` and size.
pub fn generate(min_bytes: usize, seed: u64) -> Export {
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(min_bytes + 4096);
    out.extend_from_slice(b"\xEF\xBB\xBF");
    let mut cells: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    write_line(&mut out, &cells);
    let (mut rows, mut damaged) = (0usize, 0usize);
    while out.len() < min_bytes {
        if row(&mut rng, rows as u64, &mut cells) {
            damaged += 1;
        }
        write_line(&mut out, &cells);
        rows += 1;
    }
    Export {
        bytes: out,
        rows,
        damaged_logins: damaged,
    }
}

/// GLPI's line: every field quoted (a `"` never appears inside: GLPI writes `''`), then `;\n`.
fn write_line(out: &mut Vec<u8>, cells: &[String]) {
    for c in cells {
        out.push(b'"');
        for b in c.bytes() {
            out.push(if b == b'"' { b'\'' } else { b });
            if b == b'"' {
                out.push(b'\'');
            }
        }
        out.extend_from_slice(b"\";");
    }
    out.push(b'\n');
}

/// `2409` -> `2 409`, as GLPI writes numbers.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A serial unique to row `i`: `i` through a bijection of `0..36^len`, in base 36.
fn serial(prefix: &str, len: u32, i: u64) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let modulus = 36u64.pow(len);
    // 0x9E3779B1 is odd and not a multiple of 3: coprime with 36^len, so i -> i*k mod 36^len is a bijection.
    let mut v = (i.wrapping_mul(0x9E37_79B1) + 12_345) % modulus;
    let mut s = vec![b'0'; len as usize];
    for slot in s.iter_mut().rev() {
        *slot = DIGITS[(v % 36) as usize];
        v /= 36;
    }
    format!("{prefix}{}", String::from_utf8(s).expect("ASCII"))
}

/// (year, month, day) of a random day in 2019..=2026.
fn day(rng: &mut Rng) -> (u64, u64, u64) {
    let y = 2019 + rng.below(8);
    let m = 1 + rng.below(12);
    let d = 1 + rng.below(28);
    (y, m, d)
}

/// Fills `cells` with row `i`; true when the row carries a damaged login.
fn row(rng: &mut Rng, i: u64, cells: &mut [String]) -> bool {
    let (site, locations) = rng.pick(&SITES);
    let (maker, prefix, serial_len, models) = rng.pick(&MAKERS);
    let (model, kind) = rng.pick(models);
    let (by, bm, bd) = day(rng);
    let planted = i % DAMAGED_LOGIN_EVERY == DAMAGED_LOGIN_EVERY - 1;
    let in_use = rng.below(10) < 8 || planted;
    let person = rng.pick(&PEOPLE);
    let mut damaged = false;

    let set = |cells: &mut [String], col: usize, v: &str| {
        cells[col].clear();
        cells[col].push_str(v);
    };
    set(cells, 0, &format!("PC-{site}-{:06}", i + 1));
    set(cells, 1, "Root Entity > Préfecture de Guyane");
    set(cells, 2, &thousands(2409 + i));
    set(cells, 3, &serial(prefix, serial_len as u32, i));
    let inventory = if rng.one_in(20) {
        String::new()
    } else {
        format!("973-{by}-{:04}", i + 1)
    };
    set(cells, 4, &inventory);
    set(cells, 5, maker);
    set(cells, 6, model);
    set(cells, 7, kind);
    set(cells, 8, rng.pick(&STATUSES));
    set(cells, 9, rng.pick(locations));
    if in_use {
        set(cells, 10, &format!("{} {}", person.0, person.1));
        let login = match rng.below(20) {
            0 => "Salle de réunion \"Maroni\"".to_string(),
            1..=9 => person.2.to_string(),
            _ => format!("GUYANE\\{}", person.2),
        };
        let login = if planted {
            // `\n` typed after the domain, stored as a real line feed.
            damaged = true;
            format!("GUYANE\n{}", person.2)
        } else {
            login
        };
        set(cells, 11, &login);
    } else {
        set(cells, 10, " ");
        set(cells, 11, "");
    }
    set(cells, 12, rng.pick(&GROUPS));
    set(cells, 13, rng.pick(&TECHNICIANS));
    set(
        cells,
        14,
        if rng.one_in(4) {
            "SIDSIC"
        } else {
            "SIDSIC > Support de proximité"
        },
    );
    let (os, version) = rng.pick(&OSES);
    set(cells, 15, os);
    set(cells, 16, version);
    let (ips, macs) = match rng.below(10) {
        0 | 1 => (String::new(), String::new()),
        2..=6 => (
            format!("10.73.{}.{}", 10 + rng.below(20), 2 + rng.below(250)),
            mac(rng, "a4:bb:6d"),
        ),
        _ => (
            format!(
                "10.73.{}.{}<br>10.73.50.{}",
                10 + rng.below(20),
                2 + rng.below(250),
                2 + rng.below(250)
            ),
            format!("{}<br>{}", mac(rng, "a4:bb:6d"), mac(rng, "f4:26:79")),
        ),
    };
    set(cells, 17, &ips);
    set(cells, 18, &macs);
    set(cells, 19, &rng.below(3).to_string());
    set(cells, 20, &format!("{by}-{bm:02}-{bd:02}"));
    set(
        cells,
        21,
        &format!("{}-{bm:02}-{bd:02}", by + 3 + rng.below(3)),
    );
    set(cells, 22, rng.pick(&VALUES));
    set(cells, 23, "UGAP");
    let comment = if rng.one_in(8) {
        rng.pick(&COMMENTS)
    } else {
        ""
    };
    set(cells, 24, comment);
    let (h, mi) = (8 + rng.below(10), rng.below(60));
    set(
        cells,
        25,
        &format!("{by}-{bm:02}-{:02} {h:02}:{mi:02}", (bd + 2).min(28)),
    );
    let (my, mm, md) = day(rng);
    let (h, mi) = (8 + rng.below(10), rng.below(60));
    set(
        cells,
        26,
        &format!(
            "{}-{mm:02}-{md:02} {h:02}:{mi:02}",
            my.max(by + 1).min(2026)
        ),
    );
    damaged
}

fn mac(rng: &mut Rng, vendor: &str) -> String {
    let v = rng.next_u64();
    format!(
        "{vendor}:{:02x}:{:02x}:{:02x}",
        v & 0xff,
        (v >> 8) & 0xff,
        (v >> 16) & 0xff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_serials() {
        assert_eq!(thousands(2409), "2 409");
        assert_eq!(thousands(1_234_567), "1 234 567");
        assert_eq!(thousands(999), "999");
        let serials: std::collections::HashSet<String> =
            (0..100_000).map(|i| serial("CZC", 7, i)).collect();
        assert_eq!(serials.len(), 100_000, "serials are unique");
    }
}
