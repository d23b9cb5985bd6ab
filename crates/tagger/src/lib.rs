//! Named-entity tagging and entity clusters.
//!
//! Not yet in: this placeholder finds no entities. Issue #4 replaces it.

use document::{Document, Stage, StageError};

/// The entity-tagging stage.
#[derive(Debug, Default, Clone)]
pub struct Tagger;

impl Tagger {
    /// A tagger with the bundled model.
    pub fn new() -> Self {
        Tagger
    }
}

impl Stage for Tagger {
    fn name(&self) -> &'static str {
        "tagger"
    }

    fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
        Ok(())
    }
}
