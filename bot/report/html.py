"""The report as one self-contained HTML page: inline CSS, charts as data URLs, no scripts.

Every piece of text that came from a person or a database is escaped here, and message texts
were masked before they reached this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from html import escape

from bot.report.charts import language_chart, per_day_chart
from bot.report.model import Report
from bot.report.referrals import STATE_LABELS, STATE_ORDER, TOPIC_LABELS
from bot.report.stats import LANGUAGE_LABELS, Summary, present_languages, top_intents
from bot.report.unanswered import Group

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2733;
 margin:0;background:#f4f6f8}
main{max-width:1080px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:26px;margin:0 0 4px;color:#0b3a5b}h2{font-size:20px;margin:36px 0 8px;
 padding-top:12px;border-top:2px solid #e2e8ee;color:#0b3a5b}h3{font-size:16px;margin:18px 0 6px}
.meta{color:#4a5866;font-size:13px;margin:0}.note{color:#4a5866;font-size:13px;max-width:80ch}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:10px;margin:18px 0}
.card{border:1px solid #d5dde5;border-radius:8px;padding:10px 12px;background:#f8fafc}
.card b{display:block;font-size:24px;color:#0b3a5b}.card span{font-size:13px;color:#4a5866}
table{border-collapse:collapse;margin:6px 0 10px;font-size:14px}
th,td{border-bottom:1px solid #e2e8ee;padding:5px 10px;text-align:left;vertical-align:top}
th{background:#eef2f6;font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#fafbfc}.lang{font-weight:600;color:#0b3a5b}
.cols{display:flex;flex-wrap:wrap;gap:24px}.cols>div{flex:1 1 300px}
img{max-width:100%;height:auto}code{background:#eef2f6;padding:1px 4px;border-radius:3px}
.empty{color:#4a5866;font-style:italic}summary{cursor:pointer;color:#0b3a5b;font-size:14px}
"""


def _count(number: int, noun: str) -> str:
    """'1 message', '3 messages': the report is read by people, not parsed."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], numeric: int = 0) -> str:
    """A table whose last ``numeric`` columns are right-aligned figures."""
    first_numeric = len(headers) - numeric
    head = "".join(
        f"<th{' class=n' if i >= first_numeric else ''}>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=n' if i >= first_numeric else ''}>{escape(str(cell))}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    if not body:
        return '<p class="empty">None in this period.</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(png: str, alt: str) -> str:
    return f'<img src="data:image/png;base64,{png}" alt="{escape(alt)}">'


def _cards(report: Report) -> str:
    s = report.summary
    median = "–" if s.median_length is None else f"{s.median_length:g}"
    referrals = str(report.referrals.total) if report.referrals.available else "–"
    cards = [
        (s.conversations, "conversations"),
        (s.messages, f"messages from people ({s.typed_messages} typed)"),
        (median, "median messages per conversation"),
        (_percent(s.fallback_rate), f"could not answer ({len(s.fallbacks)} typed messages)"),
        (_percent(s.misread_rate), f"possibly misunderstood ({len(s.misread)} typed messages)"),
        (s.lookup_count, "job center lookups by ZIP or area"),
        (referrals, "call-back requests (referrals)"),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><b>{escape(str(value))}</b><span>{escape(label)}</span></div>'
        for value, label in cards
    ) + "</div>"  # fmt: skip


def _per_day(s: Summary) -> str:
    rows = [(f"{d.day:%a %b %-d}", d.conversations, d.messages) for d in s.per_day]
    alt = "Bar chart of conversations and messages per day; the same figures are in the table."
    return (
        "<h2>Conversations and messages per day</h2>"
        + _image(per_day_chart(s), alt)
        + "<details><summary>The same figures as a table</summary>"
        + _table(("Day", "Conversations", "Messages from people"), rows, numeric=2)
        + "</details>"
        + '<p class="note">A conversation is a chat session with at least one message; a new one '
        "starts after an hour of silence. Messages count what people typed and the buttons they "
        "tapped, including the greeting the web chat sends when it is opened. Each conversation "
        "counts on the day of its first message.</p>"
    )


def _languages(s: Summary) -> str:
    rows = []
    for language in present_languages(s.conversations_by_language + s.messages_by_language):
        conv, msgs = s.conversations_by_language[language], s.messages_by_language[language]
        rows.append((
            LANGUAGE_LABELS[language],
            f"{conv} ({_percent(conv / s.conversations if s.conversations else None)})",
            f"{msgs} ({_percent(msgs / s.messages if s.messages else None)})",
            _percent(s.fallback_rate_in(language)),
            _percent(s.misread_rate_in(language)),
        ))  # fmt: skip
    alt = "Bar chart of the share of conversations and messages per language; see the table."
    return (
        "<h2>Languages</h2>"
        + (_image(language_chart(s), alt) if s.messages else "")
        + _table(
            ("Language", "Conversations", "Messages", "Could not answer", "Possibly misunderstood"),
            rows,
            numeric=4,
        )
        + '<p class="note">A message is counted in the language the assistant answered it in: '
        "the language the message was written in when that was clear, otherwise the "
        "conversation's language so far (the website's language for the first message). A "
        "conversation counts in the language it ended in. &ldquo;Could not answer&rdquo; and "
        "&ldquo;possibly misunderstood&rdquo; are shares of typed messages in that language.</p>"
    )


def _intents(s: Summary) -> str:
    columns = []
    for language in present_languages(s.messages_by_language):
        rows = top_intents(s, language)
        total = sum(s.intents_by_language.get(language, {}).values())
        table = _table(
            ("Intent", "Messages", "Share"),
            ((name, count, _percent(count / total)) for name, count in rows),
            numeric=2,
        )
        label = escape(LANGUAGE_LABELS[language])
        columns.append(f'<div><h3 class="lang">{label}</h3>{table}</div>')
    return (
        "<h2>Top intents per language</h2>"
        + '<p class="note">What people asked, as the assistant understood it (the ten most '
        f"frequent intents). Answers to the call-back form ({s.form_answers} messages) are left "
        "out: there the assistant reads the answer itself, not an intent.</p>"
        + ('<div class="cols">' + "".join(columns) + "</div>" if columns else _table((), ()))
    )


def _groups(
    groups: Sequence[Group], languages: Iterable[str | None], misunderstood: bool = False
) -> str:
    """One table per language; possibly misunderstood groups say what they were taken as and
    why they are listed instead of the closest intent."""
    headers: tuple[str, ...] = ("Closest intent",)
    if misunderstood:
        headers = ("Taken as (intent)", "Why it is listed")
    parts = []
    for language in languages:
        mine = [g for g in groups if g.language == language]
        if not mine:
            continue
        count = sum(g.count for g in mine)
        parts.append(
            f'<h3 class="lang">{escape(LANGUAGE_LABELS[language])}: '
            f"{_count(count, 'message')} in {_count(len(mine), 'group')}</h3>"
        )
        parts.append(
            _table(
                ("Times", "Example (personal data masked)", "Other wordings", *headers),
                (
                    (g.count, g.example, " · ".join(g.variants), g.closest_intent or "–")
                    + ((g.why(),) if misunderstood else ())
                    for g in mine
                ),
                numeric=-1,
            )
        )
    return "".join(parts) or '<p class="empty">None in this period.</p>'


def _rate(
    s: Summary,
    label: str,
    flagged: int,
    rate: float | None,
    rate_in: Callable[[str | None], float | None],
) -> str:
    """ "<label>: N% of typed messages (n of m); English x%, Spanish y%." for one list."""
    by_language = ", ".join(
        f"{LANGUAGE_LABELS[lang]} {_percent(rate_in(lang))}"
        for lang in present_languages(s.typed_by_language)
    )
    return (
        f"<p><b>{label}: {_percent(rate)}</b> of typed messages "
        f"({flagged} of {s.typed_messages}); {escape(by_language)}.</p>"
    )


def _unanswered(report: Report) -> str:
    s = report.summary
    rate = (
        _rate(s, "Fallback rate", len(s.fallbacks), s.fallback_rate, s.fallback_rate_in)
        if s.typed_messages
        else "<p>No typed messages in this period.</p>"
    )
    return (
        "<h2>Messages the assistant could not answer</h2>"
        + rate
        + '<p class="note">These got &ldquo;Sorry, I didn\'t quite understand&rdquo;. Similar '
        "messages are grouped; phone numbers, e-mails and ID numbers are replaced by "
        "[phone], [email], [ssn], [a-number] or [number]. &ldquo;Closest intent&rdquo; is the "
        "model's best guess, which was too unsure to use: if it is right, add the example to "
        "that intent's training file; see docs/report.md.</p>"
        + _groups(report.unanswered, LANGUAGE_LABELS)
        + _misunderstood(report)
        + "<h2>Questions outside the assistant's topics</h2>"
        '<p class="note">Understood as out of scope (&ldquo;Sorry, I can\'t help with '
        "that&rdquo;). A group that keeps growing may be a topic worth adding.</p>"
        + _groups(report.out_of_scope, LANGUAGE_LABELS)
    )


def _misunderstood(report: Report) -> str:
    s = report.summary
    rate = (
        _rate(s, "Possibly misunderstood", len(s.misread), s.misread_rate, s.misread_rate_in)
        if s.typed_messages
        else ""
    )
    return (
        "<h2>Messages the assistant possibly misunderstood</h2>"
        + rate
        + '<p class="note">The assistant answered these with confidence, but the person\'s next '
        "message suggests the answer missed: they <b>rephrased</b> the question in similar "
        "words, <b>said no</b> (&ldquo;that's not what I asked&rdquo;, &ldquo;no es lo que "
        "pregunté&rdquo;, or a plain &ldquo;no&rdquo; when the assistant had not asked "
        "anything), or tapped <b>something else</b>. &ldquo;Possibly&rdquo;: asking again is "
        "not always a sign of a mistake. &ldquo;Taken as&rdquo; is the intent the assistant "
        "read; when the example belongs to another intent, add it to that intent's training "
        "file. Masked and grouped like the list above; see docs/report.md.</p>"
        + _groups(report.misunderstood, LANGUAGE_LABELS, misunderstood=True)
    )


def _lookups(s: Summary) -> str:
    rows = [
        (lookup.kind, lookup.name, lookup.detail, lookup.by_language["es"],
         lookup.by_language["en"], lookup.total - lookup.by_language["es"]
         - lookup.by_language["en"], lookup.total)
        for lookup in s.lookups
    ]  # fmt: skip
    return (
        "<h2>Job center lookups by ZIP code or area</h2>"
        + _table(
            ("Kind", "ZIP or area", "Where", "Spanish", "English", "Other / not set", "Total"),
            rows,
            numeric=4,
        )  # fmt: skip
        + '<p class="note">Messages asking for the nearest job center (or its hours) that named '
        "a ZIP code or a place. ZIP codes given as answers to the call-back form are not "
        "counted here.</p>"
    )


def _state_table(first: str, counts: dict[str, Counter], labels: dict[str, str]) -> str:
    rows = [
        (labels.get(key, key), *(c[state] for state in STATE_ORDER), sum(c.values()))
        for key, c in sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    ]
    headers = (first, *(STATE_LABELS[state] for state in STATE_ORDER), "Total")
    return _table(headers, rows, numeric=len(STATE_ORDER) + 1)


def _referrals(report: Report) -> str:
    r = report.referrals
    if not r.available:
        return (
            "<h2>Referrals (call-back requests)</h2>"
            f'<p class="empty">No referral store at {escape(report.referrals_source)}.</p>'
        )
    languages = ", ".join(
        f"{LANGUAGE_LABELS.get(lang, lang)}: {n}" for lang, n in sorted(r.by_language.items())
    )
    return (
        "<h2>Referrals (call-back requests)</h2>"
        f"<p>{_count(r.total, 'referral')} created in the period. Preferred language for the call: "
        f"{escape(languages or '–')}.</p>"
        "<h3>By topic</h3>" + _state_table("Topic", r.by_topic, TOPIC_LABELS)
        + "<h3>By site or team</h3>" + _state_table("Sent to", r.by_site, {})
        + '<p class="note">Delivery state as of when this report was made. No contact data is '
        "shown here; staff with access use <code>python -m bot referrals list</code>. A failed "
        "referral is sent again with <code>python -m bot referrals retry --all-failed</code>.</p>"
    )  # fmt: skip


def render_html(report: Report, csv_name: str) -> str:
    s = report.summary
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AJC assistant insights, {escape(str(s.period))}</title><style>{CSS}</style></head>
<body><main>
<h1>AJC assistant: staff insights</h1>
<p class="meta">{escape(str(s.period))}. Made {report.generated_at:%Y-%m-%d %H:%M %Z}.</p>
<p class="meta">Conversations from {escape(report.tracker_source)}; referrals from
{escape(report.referrals_source)}. The same figures as CSV: <code>{escape(csv_name)}</code>.</p>
{_cards(report)}{_per_day(s)}{_languages(s)}{_intents(s)}{_unanswered(report)}{_lookups(s)}
{_referrals(report)}
<h2>What to do with this report</h2>
<ol><li>Read &ldquo;Messages the assistant could not answer&rdquo;. For each group that is a real
question, pick the intent it belongs to.</li>
<li>Read &ldquo;Messages the assistant possibly misunderstood&rdquo; the same way: when a
group belongs to another intent than the one it was taken as, it needs examples in that other
intent.</li>
<li>Add the wording as a new example to that intent in
<code>data/nlu/es/&lt;topic&gt;.yml</code> (Spanish) or <code>data/nlu/en/&lt;topic&gt;.yml</code>
(English), masking any personal data.</li>
<li>Run <code>make test</code>, then <code>make run</code>: it retrains the model because the
training data changed.</li></ol>
</main></body></html>
"""
