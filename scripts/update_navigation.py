"""Write the previous / contents / next links at the top and bottom of every notebook.

The links are derived from the numbered file names in notebooks/ and each notebook's first
heading, so they never drift when a notebook is added or renamed (the approach of the Python
Data Science Handbook's tools/add_navigation.py).

    python scripts/update_navigation.py          # rewrite the navigation cells
    python scripts/update_navigation.py --check  # exit 1 if any navigation cell is out of date
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
MARKER = "<!--NAVIGATION-->"
CONTENTS_LINK = "[Contents](../README.md#the-notebooks)"


def numbered_notebooks():
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))


def title_of(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and MARKER not in cell.source:
            match = re.search(r"^# (.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise ValueError("notebook has no '# ' heading to name it by")


def navigation_line(previous, following):
    parts = []
    if previous:
        parts.append(f"&lt; [{previous[1]}]({previous[0].name})")
    parts.append(CONTENTS_LINK)
    if following:
        parts.append(f"[{following[1]}]({following[0].name}) &gt;")
    return f"{MARKER}\n" + " | ".join(parts)


def with_navigation(notebook, line):
    """Return True if the notebook's cells changed."""
    cells = [cell for cell in notebook.cells if not (cell.cell_type == "markdown" and MARKER in cell.source)]
    new_cells = [nbformat.v4.new_markdown_cell(line), *cells, nbformat.v4.new_markdown_cell(line)]
    old_sources = [(cell.cell_type, cell.source) for cell in notebook.cells]
    if old_sources == [(cell.cell_type, cell.source) for cell in new_cells]:
        return False
    # Keep the ids of existing navigation cells stable so re-running changes nothing.
    old_nav = [cell for cell in notebook.cells if cell.cell_type == "markdown" and MARKER in cell.source]
    for new, old in zip((new_cells[0], new_cells[-1]), old_nav, strict=False):
        new["id"] = old.get("id", new["id"])
    notebook.cells = new_cells
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks whose links are out of date")
    args = parser.parse_args()
    paths = numbered_notebooks()
    notebooks = [nbformat.read(path, as_version=4) for path in paths]
    titles = [(path, title_of(notebook)) for path, notebook in zip(paths, notebooks, strict=True)]
    changed = []
    for index, notebook in enumerate(notebooks):
        previous = titles[index - 1] if index > 0 else None
        following = titles[index + 1] if index + 1 < len(titles) else None
        changed.append(with_navigation(notebook, navigation_line(previous, following)))
    return store_or_report(paths, notebooks, changed, args.check, "navigation", "scripts/update_navigation.py")


def store_or_report(paths, notebooks, changed, check, what, script):
    """Write the notebooks whose ``changed`` flag is set, or with ``check`` only name them.

    Shared by the scripts that generate parts of the notebooks (navigation, slide types). Returns the
    exit status: 1 when ``check`` finds a stale notebook, else 0.
    """
    stale = [path for path, is_changed in zip(paths, changed, strict=True) if is_changed]
    if check and stale:
        print(f"{what} out of date in {[path.name for path in stale]}; run: python {script}")
        return 1
    if not check:
        for path, notebook, is_changed in zip(paths, notebooks, changed, strict=True):
            if is_changed:
                nbformat.write(notebook, path)
    print(f"{what} {'checked' if check else 'written'} for {len(paths)} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
