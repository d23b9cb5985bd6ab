//! Quote extraction and speaker attribution.
//!
//! Not yet in: this placeholder finds no quotes. Issue #5 replaces it.

use document::{Document, Stage, StageError};

/// The quote-attribution stage.
#[derive(Debug, Default, Clone)]
pub struct QuoteAttributor;

impl QuoteAttributor {
    /// An attributor with the bundled lexicons.
    pub fn new() -> Self {
        QuoteAttributor
    }
}

impl Stage for QuoteAttributor {
    fn name(&self) -> &'static str {
        "quotes"
    }

    fn process(&self, _doc: &mut Document) -> Result<(), StageError> {
        Ok(())
    }
}
