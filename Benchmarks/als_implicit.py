"""Times `implicit`'s CPU iALS on the leave-last-out training matrix of EVALUATION.md and scores it.

Usage: python3 als_implicit.py CSV [REPEATS]. Prints one JSON line: the median and every fit time,
and HR@10 / NDCG@10 under the same protocol as `barista evaluate` (score every training item,
exclude the user's training items, ties broken by the item's first appearance in the file).
"""
import csv
import json
import statistics
import sys
import time

import numpy as np
import scipy.sparse as sp
from implicit.cpu.als import AlternatingLeastSquares


def leave_last_out(path):
    """(training CSR users × items, test item index or -1 per user), items in order of first appearance."""
    first = {}  # (user, item) -> (timestamp, row)
    user_order, item_order = {}, {}
    with open(path, newline="") as handle:
        for row, record in enumerate(csv.DictReader(handle)):
            user, item, ts = record["user"], record["item"], float(record["timestamp"])
            user_order.setdefault(user, len(user_order))
            item_order.setdefault(item, len(item_order))
            key = (user, item)
            if key not in first or (ts, row) < first[key]:
                first[key] = (ts, row)
    per_user = {}
    for (user, item), when in first.items():
        per_user.setdefault(user, []).append((when, item))
    kept = sorted((u for u in per_user if len(per_user[u]) >= 2), key=user_order.get)
    sequences = [[item for _, item in sorted(per_user[u])] for u in kept]
    in_training = {item for seq in sequences for item in seq[:-1]}
    items = [item for item in sorted(item_order, key=item_order.get) if item in in_training]
    index = {item: i for i, item in enumerate(items)}
    rows, cols = [], []
    for u, seq in enumerate(sequences):
        for item in seq[:-1]:
            rows.append(u)
            cols.append(index[item])
    data = np.ones(len(rows), dtype=np.float32)
    training = sp.csr_matrix((data, (rows, cols)), shape=(len(sequences), len(items)), dtype=np.float32)
    tests = np.array([index.get(seq[-1], -1) for seq in sequences])
    return training, tests


def metrics(model, training, tests):
    """HR@10 and NDCG@10 over every test user."""
    hits, ndcg = 0.0, 0.0
    scores_all = model.user_factors @ model.item_factors.T
    for u, test in enumerate(tests):
        if test < 0:
            continue
        scores = scores_all[u].astype(np.float64)
        scores[training.indices[training.indptr[u]:training.indptr[u + 1]]] = -np.inf
        s = scores[test]
        rank = 1 + np.count_nonzero(scores > s) + np.count_nonzero(scores[:test] == s)
        if rank <= 10:
            hits += 1
            ndcg += 1 / np.log2(rank + 1)
    return hits / len(tests), ndcg / len(tests)


def main():
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    training, tests = leave_last_out(path)
    times, model = [], None
    for _ in range(repeats):
        model = AlternatingLeastSquares(factors=64, regularization=0.01, alpha=1, iterations=15, use_cg=True,
                                        num_threads=2, random_state=0)
        start = time.perf_counter()
        model.fit(training, show_progress=False)
        times.append(time.perf_counter() - start)
    hr, ndcg = metrics(model, training, tests)
    print(json.dumps({"median_seconds": statistics.median(times), "seconds": times, "users": training.shape[0],
                      "items": training.shape[1], "train_pairs": int(training.nnz), "hr@10": hr, "ndcg@10": ndcg}))


if __name__ == "__main__":
    main()
