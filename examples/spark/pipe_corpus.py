#!/usr/bin/env python3
"""Run the pipeline over a JSONL corpus on Apache Spark with RDD.pipe.

Each partition of the input is streamed through one `pipeline --input -`
process: one JSONL record per input line in, one per line out, in order; logs
go to the process's stderr (the executor log), never into the data.

    spark-submit examples/spark/pipe_corpus.py \
        --input hdfs:///news/*.jsonl --output hdfs:///news-facts \
        --binary /opt/newsfacts/pipeline --threads 4

Local mode, for a check on one machine:

    python3 examples/spark/pipe_corpus.py --master 'local[2]' \
        --input corpus.jsonl --output /tmp/facts --binary target/release/pipeline

The binary must exist at the same path on every executor (ship it with
`--files` and pass `--binary ./pipeline`, or install it on the image).
`--threads` should match the cores each task owns (`spark.task.cpus`).
"""
import argparse
import shlex

from pyspark.sql import SparkSession


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", required=True, help="JSONL file(s) or glob, one article per line")
    ap.add_argument("--output", required=True, help="output directory (Spark part files of JSONL)")
    ap.add_argument("--binary", default="pipeline", help="path of the pipeline binary on the executors")
    ap.add_argument("--threads", type=int, default=1, help="worker threads per task (= spark.task.cpus)")
    ap.add_argument("--partitions", type=int, default=0,
                    help="minimum number of input partitions (0: Spark's default); order is kept")
    ap.add_argument("--master", default=None, help="Spark master, e.g. local[2] (default: from spark-submit)")
    a = ap.parse_args()

    builder = SparkSession.builder.appName("newsfacts-pipeline")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext

    # minPartitions splits the files without a shuffle, so the output part
    # files, read in name order, keep the input order.
    lines = sc.textFile(a.input, minPartitions=a.partitions or None)
    # Blank lines are not documents; the binary would skip them and the
    # one-line-in, one-line-out correspondence would break.
    docs = lines.filter(lambda line: line.strip())
    cmd = f"{shlex.quote(a.binary)} --input - --threads {a.threads} --quiet"
    docs.pipe(cmd).saveAsTextFile(a.output)
    spark.stop()


if __name__ == "__main__":
    main()
