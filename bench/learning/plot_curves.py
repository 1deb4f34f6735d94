#!/usr/bin/python3
"""Plots the learning curves that learning_sim writes (docs/learning.md).

Usage: bench/learning/plot_curves.py [CSV] [PNG]
       (default: docs/learning/curves.csv -> docs/learning/curves.png)
Needs Debian's python3-matplotlib (hence /usr/bin/python3).
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_curves(path):
    curves = defaultdict(lambda: defaultdict(list))
    with open(path, newline="") as stream:
        for row in csv.DictReader(stream):
            profile = curves[row["profile"]]
            for key, value in row.items():
                if key != "profile":
                    profile[key].append(float(value))
    return curves


def plot_profile(axes, name, curve):
    decisions = curve["decisions"]
    axes.fill_between(decisions, curve["model_min"], curve["model"], color="tab:blue", alpha=0.15,
                      label="model, worst seed")
    axes.plot(decisions, curve["model"], color="tab:blue", label="model (policy, adapt)")
    axes.plot(decisions, curve["static"], color="tab:gray", linestyle="--", label="static rules")
    axes.plot(decisions, curve["frequency"], color="tab:orange", linestyle=":",
              label="frequency baseline")
    axes.plot(decisions, curve["false_suppression"], color="tab:red", linewidth=0.8,
              label="false suppression (model)")
    axes.axvline(30, color="black", linewidth=0.5, alpha=0.4)
    axes.axhline(0.9, color="black", linewidth=0.5, alpha=0.4)
    axes.set_title(name, fontsize=10)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel("decisions")
    axes.grid(alpha=0.3)


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "docs/learning/curves.csv"
    target = sys.argv[2] if len(sys.argv) > 2 else "docs/learning/curves.png"
    curves = read_curves(source)
    columns = 3
    rows = (len(curves) + columns - 1) // columns
    figure, grid = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.3 * rows), squeeze=False)
    for axes, (name, curve) in zip(grid.flat, curves.items()):
        plot_profile(axes, name, curve)
    for axes in list(grid.flat)[len(curves):]:
        axes.axis("off")
    grid[0][0].set_ylabel("held-out accuracy")
    handles, labels = grid[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=5, fontsize=9)
    figure.suptitle("docent learning: held-out accuracy per simulated user (mean of seeds)")
    figure.tight_layout(rect=(0, 0.06, 1, 0.96))
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    main()
