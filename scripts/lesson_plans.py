"""The lesson plans of docs/teaching.md, read into data: the one source of the decks' speaker notes.

Each plan is a ``## NN · Title`` section with a line ``goal: ...``, a table of minutes
(``| 0–5 | what | how |``), an optional "What to notice" paragraph, optional "Slider moves" and a
list "Questions and answers" whose items read ``- *The question?* The answer.``. build_slides.py
turns the rows into timing cues on the slides they name, the questions into questions to the room
(answer on a fragment and in the notes), and handouts.py prints the goal on each handout.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

TEACHING = Path(__file__).resolve().parent.parent / "docs" / "teaching.md"
PLAN_HEADING = re.compile(r"^## (?P<number>\d\d) · (?P<title>.+)$", flags=re.MULTILINE)
ROW = re.compile(r"^\| *(?P<minutes>\d+–\d+) *\| *(?P<what>[^|]*?) *\| *(?P<how>[^|]*?) *\|$", flags=re.MULTILINE)
QUESTION = re.compile(r"^- \*(?P<question>.+?)\*\s+(?P<answer>.+)$", flags=re.DOTALL)


@dataclass
class Row:
    minutes: str
    what: str
    how: str

    def cue(self):
        """The row as a speaker note: ``min 5–15 · what (how)``."""
        return f"min {self.minutes} · {self.what}" + (f": {self.how}" if self.how else "")


@dataclass
class LessonPlan:
    number: str
    title: str
    goal: str = ""
    rows: list = field(default_factory=list)
    notice: str = ""
    questions: list = field(default_factory=list)  # (question, answer) pairs


def _paragraph_after(text, label):
    """The paragraph that starts with ``label`` (without it), joined into one line, or ''."""
    match = re.search(rf"^{re.escape(label)}\s*(?P<body>.+?)(?:\n\n|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return " ".join(match["body"].split()) if match else ""


def _list_items(block):
    """The top-level ``- `` items of a markdown list, continuation lines joined."""
    items = []
    for line in block.splitlines():
        if line.startswith("- "):
            items.append(line)
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


def parse(text):
    """{number: LessonPlan} for every plan in the text of docs/teaching.md."""
    plans = {}
    headings = list(PLAN_HEADING.finditer(text))
    for heading, following in zip(headings, headings[1:] + [None], strict=True):
        body = text[heading.end():following.start() if following else len(text)]
        plan = LessonPlan(heading["number"], heading["title"].strip())
        goal = re.search(r"· goal: (?P<goal>.+?)(?:\n\n|\n[A-Z]|\Z)", body, flags=re.DOTALL)
        plan.goal = " ".join(goal["goal"].split()) if goal else ""
        plan.rows = [Row(row["minutes"], row["what"], row["how"]) for row in ROW.finditer(body)]
        plan.notice = _paragraph_after(body, "What to notice:")
        questions = re.search(r"^Questions and answers:\s*\n(?P<list>(?:\n?(?:- |  ).*)+)", body, flags=re.MULTILINE)
        if questions:
            for item in _list_items(questions["list"]):
                match = QUESTION.match(item)
                if match:
                    plan.questions.append((match["question"].strip(), match["answer"].strip()))
        plans[plan.number] = plan
    return plans


def lesson_plans(path=TEACHING):
    return parse(path.read_text(encoding="utf-8"))
