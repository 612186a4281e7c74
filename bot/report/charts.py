"""Charts as base64 PNG, so the report is one file that opens anywhere, even offline."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bot.report.stats import LANGUAGE_LABELS, Summary, present_languages  # noqa: E402

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
CONVERSATIONS_COLOR = "#0072B2"
MESSAGES_COLOR = "#E69F00"
DPI = 110


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(axes: plt.Axes) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=10)


def per_day_chart(summary: Summary) -> str:
    """Conversations and messages side by side for every day of the period, zeros included."""
    days = summary.per_day
    figure, axes = plt.subplots(figsize=(max(6.0, 0.9 * len(days) + 2), 3.4))
    positions = range(len(days))
    width = 0.4
    conversations = [d.conversations for d in days]
    messages = [d.messages for d in days]
    bars = axes.bar([p - width / 2 for p in positions], conversations, width,
                    color=CONVERSATIONS_COLOR, label="Conversations")  # fmt: skip
    axes.bar_label(bars, fontsize=9, padding=2)
    bars = axes.bar([p + width / 2 for p in positions], messages, width,
                    color=MESSAGES_COLOR, label="Messages from people")  # fmt: skip
    axes.bar_label(bars, fontsize=9, padding=2)
    axes.set_xticks(list(positions), [f"{d.day:%a}\n{d.day:%b %-d}" for d in days])
    axes.set_ylim(0, max([1, *messages]) * 1.18)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, fontsize=10, loc="upper left", ncol=2)
    _style(axes)
    return _png(figure)


def language_chart(summary: Summary) -> str:
    """Share of conversations and of messages per language, in percent, with counts on bars."""
    languages = present_languages(summary.conversations_by_language + summary.messages_by_language)
    figure, axes = plt.subplots(figsize=(7.5, 0.8 + 0.75 * max(1, len(languages))))
    if not languages:
        axes.text(0.5, 0.5, "No conversations in this period", ha="center", va="center")
        axes.set_axis_off()
        return _png(figure)
    height = 0.38
    rows = list(range(len(languages)))[::-1]
    for offset, counts, total, color, label in (
        (height / 2, summary.conversations_by_language, summary.conversations,
         CONVERSATIONS_COLOR, "Conversations"),
        (-height / 2, summary.messages_by_language, summary.messages,
         MESSAGES_COLOR, "Messages from people"),
    ):  # fmt: skip
        shares = [100 * counts[lang] / total if total else 0 for lang in languages]
        bars = axes.barh([r + offset for r in rows], shares, height, color=color, label=label)
        labels = [f"{100 * counts[lang] / total:.0f}% ({counts[lang]})" for lang in languages]
        axes.bar_label(bars, labels=labels, fontsize=9, padding=3)
    axes.set_yticks(rows, [LANGUAGE_LABELS[lang] for lang in languages])
    axes.set_xlim(0, 118)
    axes.set_xlabel("% of the period's total", fontsize=10)
    axes.legend(frameon=False, fontsize=10, loc="lower center", bbox_to_anchor=(0.5, 1), ncol=2)
    _style(axes)
    return _png(figure)
