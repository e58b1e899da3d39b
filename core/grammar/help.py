"""Help, generated from the grammar's own verb table so it never drifts from what works."""

from __future__ import annotations

from core.dates import DATE_EXAMPLES
from core.errors import NotFound
from core.grammar.verbs import VERBS, VERBS_BY_NAME
from core.views import HelpEntry, HelpSection, HelpView

INTRO = "Cairn tracks goals, milestones and tasks. Numbers like #12 name them everywhere."
#: Verbs whose first example the overview shows, so a newcomer sees real lines, not only syntax.
EXAMPLE_VERBS = ("goal", "milestone", "update", "comment", "list", "done")
FOOTER = f"Dates: {DATE_EXAMPLES}. `help <verb>` shows examples."


def help_view(topic: str = "", *, prefix: str = "") -> HelpView:
    """`prefix` is how the platform invokes Cairn (`/cairn `, `@Cairn `, or nothing)."""
    if topic:
        verb = VERBS_BY_NAME.get(topic.split()[0].lstrip("/"))
        if verb is None:
            raise NotFound(f"there is no help on “{topic[:30]}”", hint="`help` lists every verb")
        entries = [HelpEntry(usage=prefix + verb.usage, summary=verb.summary)]
        entries += [HelpEntry(usage=prefix + e, summary="example") for e in verb.examples]
        aliases = ", ".join(verb.names[1:])
        footer = f"Also spelled: {aliases}." if aliases else ""
        return HelpView(intro=verb.summary[:1].upper() + verb.summary[1:],
                        sections=(HelpSection(title=verb.names[0], entries=tuple(entries)),),
                        footer=footer)
    sections: dict[str, list[HelpEntry]] = {}
    for verb in VERBS:
        sections.setdefault(verb.section, []).append(
            HelpEntry(usage=prefix + verb.usage, summary=verb.summary))
    examples = tuple(HelpEntry(usage=prefix + VERBS_BY_NAME[name].examples[0],
                               summary=VERBS_BY_NAME[name].summary)
                     for name in EXAMPLE_VERBS if VERBS_BY_NAME[name].examples)
    return HelpView(
        intro=INTRO,
        sections=(*(HelpSection(title=t, entries=tuple(e)) for t, e in sections.items()),
                  HelpSection(title="Examples", entries=examples)),
        footer=FOOTER,
    )
