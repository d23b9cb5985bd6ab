//! `cargo xtask train-ner [--train FILE] [--dev FILE] [--out PATH] [--seed N] ...`:
//! trains the entity tagger. The training code lives in the tagger crate
//! (`train` feature, `train-ner` binary); this runs it in release mode so
//! xtask itself stays light. Every argument is passed through; see
//! `cargo xtask train-ner --help`.

use anyhow::Result;

use crate::cargo;

pub fn train_ner(args: &[String]) -> Result<()> {
    let mut cmd: Vec<&str> = vec![
        "run",
        "--release",
        "--quiet",
        "--package",
        "tagger",
        "--features",
        "train",
        "--bin",
        "train-ner",
        "--",
    ];
    cmd.extend(args.iter().map(String::as_str));
    cargo(&cmd)
}
