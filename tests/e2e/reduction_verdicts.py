#!/usr/bin/env python3
"""Compares two `daxfail explore --format json` reports of one exploration, the first without a reduction and the
second with one: per (variant, scenario) and invariant, the verdict, the sequential result and the lengths of the
shortest counterexample and of the shortest safe schedule must be the same. Prints per scenario, summed over the variants, the schedules run (complete or deadlocked,
pruned and cut) and the states, before and after. Exit status 1 when anything differs.

    reduction_verdicts.py none.json sleep_sets.json
"""
import json
import sys


def entries(path):
    with open(path) as f:
        report = json.load(f)
    return {(r["variant"], r["scenario"]): r for r in report["results"]}


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    before, after = entries(argv[1]), entries(argv[2])
    problems = []
    if set(before) != set(after):
        problems.append("the reports have different (variant, scenario) pairs: only in the first "
                        f"{sorted(set(before) - set(after))[:5]}, only in the second {sorted(set(after) - set(before))[:5]}")
    sums = {}  # scenario -> [run before, run after, states before, states after, pairs]
    for key in sorted(set(before) & set(after)):
        a, b = before[key], after[key]
        for name, ia in a["invariants"].items():
            ib = b["invariants"].get(name)
            if ib is None:
                problems.append(f"{key}: {name} missing from the second report")
                continue
            for field in ("verdict", "sequential"):
                if ia[field] != ib[field]:
                    problems.append(f"{key[0]} x {key[1]}: {name} {field} {ia[field]} -> {ib[field]}")
            for example in ("counterexample", "safe_example"):  # the shortest of each
                if len(ia[example]) != len(ib[example]):
                    problems.append(f"{key[0]} x {key[1]}: {name} {example} of {len(ia[example])} steps -> "
                                    f"{len(ib[example])}")
        s = sums.setdefault(key[1], [0, 0, 0, 0, 0])
        s[0] += a["schedules"] + a["pruned"] + a["cut"]
        s[1] += b["schedules"] + b["pruned"] + b["cut"]
        s[2] += a["states"]
        s[3] += b["states"]
        s[4] += 1

    def pct(x, y):
        return f"{100.0 * (y - x) / x:+.1f}%" if x else "n/a"

    print(f"{'scenario':34} {'pairs':>5} {'run before':>11} {'run after':>10} {'change':>7} "
          f"{'states before':>13} {'states after':>12} {'change':>7}")
    total = [0, 0, 0, 0, 0]
    for name, s in sums.items():
        total = [t + x for t, x in zip(total, s)]
        print(f"{name:34} {s[4]:5} {s[0]:11} {s[1]:10} {pct(s[0], s[1]):>7} {s[2]:13} {s[3]:12} {pct(s[2], s[3]):>7}")
    print(f"{'total':34} {total[4]:5} {total[0]:11} {total[1]:10} {pct(total[0], total[1]):>7} {total[2]:13} "
          f"{total[3]:12} {pct(total[2], total[3]):>7}")
    for p in problems[:50]:
        print("DIFFERS: " + p)
    if problems:
        print(f"{len(problems)} difference(s)")
        return 1
    print("verdicts, sequential results, counterexample and safe example lengths: identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
