//! `train-ner`: trains the entity-tagging model (run through
//! `cargo xtask train-ner`).

use std::path::PathBuf;
use std::process::ExitCode;

use tagger::train::{self, conll, TrainConfig};

const USAGE: &str = "\
usage: train-ner [--train FILE]... [--dev FILE]... [--out PATH] [--seed N]
                 [--gazetteers DIR | --no-gazetteers] [--unlabeled FILE]... [--no-unlabeled]
                 [--epochs N] [--epochs2 N] [--folds N] [--ensemble N] [--min-count N] [--prune W]
                 [--augment-copies N] [--augment-lower P] [--augment-title P] [--augment-emphasis P]
                 [--cluster-dim N] [--cluster-contexts N] [--cluster-min-count N] [--cluster-depth N]
                 [--eval-model PATH [--show-errors N]]

Trains the two-stage entity tagger on CoNLL-format (or IOB2) files and writes
the model. Defaults (relative to the workspace root):
  --train      ../shared/data/ner/conll2003/train.txt
  --gazetteers ../shared/data/gazetteers
  --unlabeled  ../shared/data/corpus/{bbc,reuters21578}.jsonl
               ../shared/data/quotes/polnear/polnear_train.jsonl
  --out        crates/tagger/model/ner.bin
";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let shared = root.join("../shared/data");
    let mut cfg = TrainConfig::default();
    let mut dev: Vec<PathBuf> = Vec::new();
    let mut out = root.join("crates/tagger/model/ner.bin");
    let mut gazetteers = Some(shared.join("gazetteers"));
    let mut unlabeled: Option<Vec<PathBuf>> = None;
    let mut no_unlabeled = false;
    let mut eval_model: Option<PathBuf> = None;
    let mut show_errors = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--train" => cfg.train.push(value()?.into()),
            "--dev" => dev.push(value()?.into()),
            "--out" => out = value()?.into(),
            "--seed" => cfg.seed = value()?.parse()?,
            "--gazetteers" => gazetteers = Some(value()?.into()),
            "--no-gazetteers" => gazetteers = None,
            "--unlabeled" => unlabeled.get_or_insert_with(Vec::new).push(value()?.into()),
            "--no-unlabeled" => no_unlabeled = true,
            "--epochs" => cfg.epochs1 = value()?.parse()?,
            "--epochs2" => cfg.epochs2 = value()?.parse()?,
            "--folds" => cfg.folds = value()?.parse()?,
            "--min-count" => cfg.min_feature_count = value()?.parse()?,
            "--prune" => cfg.prune = value()?.parse()?,
            "--ensemble" => cfg.ensemble = value()?.parse()?,
            "--augment-copies" => cfg.augment.copies = value()?.parse()?,
            "--augment-lower" => cfg.augment.lower = value()?.parse()?,
            "--augment-title" => cfg.augment.title = value()?.parse()?,
            "--augment-emphasis" => cfg.augment.emphasis = value()?.parse()?,
            "--cluster-dim" => cfg.clusters.dim = value()?.parse()?,
            "--cluster-contexts" => cfg.clusters.n_contexts = value()?.parse()?,
            "--cluster-min-count" => cfg.clusters.min_count = value()?.parse()?,
            "--cluster-depth" => cfg.clusters.depth = value()?.parse()?,
            "--eval-model" => eval_model = Some(value()?.into()),
            "--show-errors" => show_errors = value()?.parse()?,
            "-h" | "--help" => {
                eprint!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    if cfg.train.is_empty() {
        cfg.train.push(shared.join("ner/conll2003/train.txt"));
    }
    cfg.gazetteers = gazetteers;
    cfg.unlabeled = if no_unlabeled {
        Vec::new()
    } else {
        unlabeled.unwrap_or_else(|| {
            vec![
                shared.join("corpus/bbc.jsonl"),
                shared.join("corpus/reuters21578.jsonl"),
                shared.join("quotes/polnear/polnear_train.jsonl"),
            ]
        })
    };
    if let Some(path) = eval_model {
        let model = tagger::Model::from_bytes(&std::fs::read(&path)?)?;
        for path in &dev {
            let docs = conll::read_file(path)?;
            let s = train::evaluate(&model, &docs, show_errors, &mut |e| eprintln!("{e}"));
            eprintln!("tp/pred/gold per type: {:?}", s.counts);
            eprintln!(
                "{}: F1 {:.2} (PER {:.2}, ORG {:.2}, LOC {:.2}, MISC {:.2})",
                path.display(),
                s.f1(),
                s.type_f1(0),
                s.type_f1(1),
                s.type_f1(2),
                s.type_f1(3)
            );
        }
        return Ok(());
    }
    let started = std::time::Instant::now();
    let mut model = train::train(&cfg, &mut |line| {
        eprintln!("[{:7.1}s] {line}", started.elapsed().as_secs_f64())
    })?;
    let file_name = |p: &PathBuf| {
        p.file_name()
            .map_or_else(String::new, |f| f.to_string_lossy().into_owned())
    };
    let mut about = format!(
        "trained on {}; gazetteers: {}; unlabeled: {}; seed {}, epochs {}+{}, folds {}, ensemble {}, prune {}, re-cased copies {} (lower {}, title {}, emphasis {})",
        cfg.train
            .iter()
            .map(file_name)
            .collect::<Vec<_>>()
            .join(", "),
        if cfg.gazetteers.is_some() {
            "yes"
        } else {
            "no"
        },
        cfg.unlabeled
            .iter()
            .map(file_name)
            .collect::<Vec<_>>()
            .join(", "),
        cfg.seed,
        cfg.epochs1,
        cfg.epochs2,
        cfg.folds,
        cfg.ensemble,
        cfg.prune,
        cfg.augment.copies,
        cfg.augment.lower,
        cfg.augment.title,
        cfg.augment.emphasis
    );
    for path in &dev {
        let docs = conll::read_file(path)?;
        let s = train::evaluate(&model, &docs, 0, &mut |_| {});
        let line = format!(
            "{}: F1 {:.2} (PER {:.2}, ORG {:.2}, LOC {:.2}, MISC {:.2}) on gold tokens",
            file_name(path),
            s.f1(),
            s.type_f1(0),
            s.type_f1(1),
            s.type_f1(2),
            s.type_f1(3)
        );
        eprintln!("{line}");
        about.push_str("; ");
        about.push_str(&line);
    }
    model.set_about(about);
    let bytes = model.to_bytes();
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, &bytes)?;
    eprintln!(
        "wrote {} ({:.1} MB) after {:.1} s",
        out.display(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
