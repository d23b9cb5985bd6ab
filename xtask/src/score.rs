//! Precision, recall and F1 from counts, as the reference scorers
//! (`../shared/tools/evalkit.py`) compute them: 0 where undefined.

use serde_json::{json, Value};

/// True positives, predictions and gold items.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Prf {
    pub tp: usize,
    pub pred: usize,
    pub gold: usize,
}

impl Prf {
    pub fn new(tp: usize, pred: usize, gold: usize) -> Prf {
        Prf { tp, pred, gold }
    }

    pub fn p(self) -> f64 {
        ratio(self.tp, self.pred)
    }

    pub fn r(self) -> f64 {
        ratio(self.tp, self.gold)
    }

    pub fn f1(self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// evalkit's `prf` dict.
    pub fn json(self) -> Value {
        json!({"P": self.p(), "R": self.r(), "F1": self.f1(), "tp": self.tp, "pred": self.pred, "gold": self.gold})
    }

    pub fn add(&mut self, other: Prf) {
        self.tp += other.tp;
        self.pred += other.pred;
        self.gold += other.gold;
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}
