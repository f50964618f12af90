"""Charts drawn by matplotlib from a section's chart spec: SVG for pages, PNG for the PDF.

matplotlib is imported inside the function (it is slow to import and only these outputs need it).
A suppressed value (None) is not drawn: the chart shows no more than its data table.
"""
from __future__ import annotations

import io

COLOURS = ("#1d70b8", "#00703c", "#f47738", "#d4351c", "#4c2c92", "#505a5f")


def render(spec: dict, fmt: str = "svg") -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in the SVG
    cats = spec["categories"]
    height = max(3.0, 0.35 * len(cats) + 1.2) if spec["kind"] == "barh" else 3.6
    fig = Figure(figsize=(7.5, height), dpi=110)
    ax = fig.add_subplot()
    xs = list(range(len(cats)))
    if spec["kind"] == "stacked":
        bottoms = [0.0] * len(cats)
        for i, series in enumerate(spec["series"]):
            vals = [v or 0.0 for v in series["values"]]
            ax.bar(xs, vals, bottom=bottoms, label=series["name"], color=COLOURS[i % len(COLOURS)])
            bottoms = [b + v for b, v in zip(bottoms, vals, strict=True)]
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    elif spec["kind"] == "barh":
        vals = [v or 0.0 for v in spec["series"][0]["values"]]
        ax.barh(xs, vals, color=COLOURS[0])
        ax.set_yticks(xs, cats, fontsize=8)
        ax.invert_yaxis()
    else:
        vals = [v or 0.0 for v in spec["series"][0]["values"]]
        ax.bar(xs, vals, color=COLOURS[0])
    if spec["kind"] != "barh":
        ax.set_xticks(xs, cats, fontsize=8, rotation=30 if len(cats) > 6 else 0)
        ax.set_ylabel(spec.get("y_label", ""), fontsize=9)
    else:
        ax.set_xlabel(spec.get("y_label", ""), fontsize=9)
    ax.set_title(spec["title"], fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close("all")
    return buf.getvalue()


def svg(spec: dict) -> str:
    text = render(spec, "svg").decode("utf-8")
    start = text.find("<svg")
    # Decorative for screen readers: the data table beside it carries the figures.
    return text[start:].replace("<svg ", '<svg role="img" aria-hidden="true" focusable="false" ', 1)
