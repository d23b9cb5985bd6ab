//! Builds the gazetteer phrase table from the shared gazetteer files
//! (permissive data; see MODEL.md for the attribution).

use std::path::Path;

use super::tokenize::tokenize;
use super::TrainError;
use crate::lexicon::{kind, Lexicon};
use crate::text::hash_lower;

fn read(dir: &Path, name: &str) -> Result<String, TrainError> {
    let path = dir.join(name);
    std::fs::read_to_string(&path).map_err(|e| TrainError::io(&path, e))
}

fn add(lex: &mut Lexicon, phrase: &str, k: u32, buf: &mut Vec<String>) {
    let phrase = phrase.trim();
    if phrase.is_empty() {
        return;
    }
    buf.clear();
    tokenize(phrase, buf);
    if buf.is_empty() || buf.len() > 8 {
        return;
    }
    let keys: Vec<u64> = buf.iter().map(|w| hash_lower(w)).collect();
    lex.add_phrase(&keys, k);
}

/// Rows of a TSV file with a header, as column-name lookups.
fn tsv_rows(text: &str) -> (Vec<&str>, Vec<Vec<&str>>) {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let rows = lines.map(|l| l.split('\t').collect()).collect();
    (header, rows)
}

fn col<'a>(header: &[&str], row: &[&'a str], name: &str) -> &'a str {
    header
        .iter()
        .position(|&h| h == name)
        .and_then(|i| row.get(i).copied())
        .unwrap_or("")
}

/// Adherents of religions and denominations, nouns and adjectives.
const RELIGIOUS_GROUPS: &[&str] = &[
    "Muslim",
    "Muslims",
    "Moslem",
    "Moslems",
    "Islamic",
    "Islamist",
    "Islamists",
    "Shiite",
    "Shiites",
    "Shi'ite",
    "Shi'ites",
    "Shia",
    "Sunni",
    "Sunnis",
    "Alawite",
    "Alawites",
    "Christian",
    "Christians",
    "Catholic",
    "Catholics",
    "Protestant",
    "Protestants",
    "Orthodox",
    "Evangelical",
    "Evangelicals",
    "Methodist",
    "Methodists",
    "Baptist",
    "Baptists",
    "Lutheran",
    "Lutherans",
    "Anglican",
    "Anglicans",
    "Presbyterian",
    "Presbyterians",
    "Mormon",
    "Mormons",
    "Jewish",
    "Jew",
    "Jews",
    "Hindu",
    "Hindus",
    "Buddhist",
    "Buddhists",
    "Sikh",
    "Sikhs",
    "Jain",
    "Jains",
    "Zoroastrian",
    "Druze",
    "Bahai",
    "Wahhabi",
    "Salafi",
    "Sufi",
];

/// Continents, world regions, oceans and seas: places that the country,
/// region and city lists leave out.
const AREAS: &[&str] = &[
    "Africa",
    "Asia",
    "Europe",
    "America",
    "Americas",
    "North America",
    "South America",
    "Latin America",
    "Central America",
    "Oceania",
    "Australasia",
    "Antarctica",
    "Arctic",
    "Antarctic",
    "Eurasia",
    "Middle East",
    "Near East",
    "Far East",
    "Scandinavia",
    "Balkans",
    "Caucasus",
    "Baltics",
    "Mediterranean",
    "Caribbean",
    "Sahara",
    "Sahel",
    "Maghreb",
    "Levant",
    "Persian Gulf",
    "Arabian Peninsula",
    "Horn of Africa",
    "Sub-Saharan Africa",
    "Asia-Pacific",
    "Asia Pacific",
    "Indian subcontinent",
    "Atlantic Ocean",
    "Pacific Ocean",
    "Indian Ocean",
    "Arctic Ocean",
    "Southern Ocean",
    "North Sea",
    "Baltic Sea",
    "Black Sea",
    "Caspian Sea",
    "Red Sea",
    "Dead Sea",
    "South China Sea",
    "East China Sea",
    "Mediterranean Sea",
    "Caribbean Sea",
    "Gulf of Mexico",
    "Gulf of Aden",
    "Bay of Bengal",
    "Siberia",
    "Patagonia",
];

/// Compass points that make world regions of continents (`Eastern
/// Europe`, `West Africa`).
const COMPASS: &[&str] = &[
    "Eastern",
    "Western",
    "Northern",
    "Southern",
    "Central",
    "East",
    "West",
    "North",
    "South",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
    "North-East",
    "North-West",
    "South-East",
    "South-West",
];

/// Adds every gazetteer of `dir` to `lex`.
pub(crate) fn load(dir: &Path, lex: &mut Lexicon) -> Result<(), TrainError> {
    let mut buf = Vec::new();
    for (n, line) in read(dir, "person_first_names.txt")?.lines().enumerate() {
        let k = if n < 20_000 {
            kind::FIRST_NAME
        } else {
            kind::FIRST_NAME_RARE
        };
        add(lex, line, k, &mut buf);
    }
    for (n, line) in read(dir, "person_surnames.txt")?.lines().enumerate() {
        let k = if n < 20_026 {
            kind::SURNAME
        } else {
            kind::SURNAME_RARE
        };
        add(lex, line, k, &mut buf);
    }
    for w in AREAS {
        add(lex, w, kind::AREA, &mut buf);
    }
    for dir in COMPASS {
        for continent in ["Europe", "Africa", "Asia"] {
            add(lex, &format!("{dir} {continent}"), kind::AREA, &mut buf);
        }
    }
    // Religions' adherents and adjectives name groups of people the way
    // nationalities do (CoNLL's MISC), and are missing from the country
    // lists.
    for w in RELIGIOUS_GROUPS {
        add(lex, w, kind::DEMONYM, &mut buf);
    }
    let countries = read(dir, "countries.tsv")?;
    let (h, rows) = tsv_rows(&countries);
    for row in &rows {
        for name in [
            "name",
            "short_name",
            "official_name",
            "aliases",
            "former_names",
        ] {
            for v in col(&h, row, name).split('|') {
                add(lex, v, kind::COUNTRY, &mut buf);
            }
        }
        for name in ["demonym_adjective", "demonym_noun"] {
            for v in col(&h, row, name).split('|') {
                add(lex, v, kind::DEMONYM, &mut buf);
            }
        }
        add(lex, col(&h, row, "capital"), kind::CITY_BIG, &mut buf);
    }
    let cities = read(dir, "cities.tsv")?;
    let (h, rows) = tsv_rows(&cities);
    for row in &rows {
        let pop: u64 = col(&h, row, "population").parse().unwrap_or(0);
        let k = if pop >= 300_000 {
            kind::CITY_BIG
        } else {
            kind::CITY
        };
        add(lex, col(&h, row, "name"), k, &mut buf);
        add(lex, col(&h, row, "ascii_name"), k, &mut buf);
    }
    let regions = read(dir, "admin_regions.tsv")?;
    let (h, rows) = tsv_rows(&regions);
    for row in &rows {
        add(lex, col(&h, row, "name"), kind::REGION, &mut buf);
        add(lex, col(&h, row, "ascii_name"), kind::REGION, &mut buf);
    }
    let orgs = read(dir, "organizations.tsv")?;
    let (h, rows) = tsv_rows(&orgs);
    for row in &rows {
        let k = match col(&h, row, "type") {
            "political_party" => kind::PARTY,
            "international_org" => kind::INTL_ORG,
            "company" => kind::COMPANY,
            "news_media" => kind::MEDIA,
            "government_agency" => kind::GOV_ORG,
            _ => kind::OTHER_ORG,
        };
        add(lex, col(&h, row, "name"), k, &mut buf);
        for v in col(&h, row, "aliases").split('|') {
            add(lex, v, k, &mut buf);
        }
    }
    let titles = read(dir, "honorifics_titles.tsv")?;
    let (h, rows) = tsv_rows(&titles);
    for row in &rows {
        let k = match col(&h, row, "category") {
            "modifier" => kind::TITLE_MODIFIER,
            "speaker_role" => continue,
            _ => kind::TITLE,
        };
        add(lex, col(&h, row, "title"), k, &mut buf);
    }
    Ok(())
}
