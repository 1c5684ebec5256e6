"""The report of a bundle import as a tree (Beheer -> Uitwisselen and the Weekronde).

Files read (accepted with what was new per device, or refused with the reason, a
row per sentence), new and updated cases and signals, rule violations and conflicts.
Rows of a case carry its number, so Enter on them can open the case.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.storage.exchange import ImportReport
from app.ui import style

#: a refused file, a rule violation, a conflict, a laptop whose week is not in
STALE_COLOR = style.STALE
#: the case number on a report row
ROLE_NUMBER = Qt.ItemDataRole.UserRole


def report_lines(report: ImportReport) -> list[str]:
    """One line per file read: accepted with what was new, or refused and why."""
    out: list[str] = []
    for f in report.files:
        if f.refused:
            out.append(f"{f.path.name}: geweigerd, er is niets van ingelezen. {f.refused}")
            continue
        new = sum(f.new_by_device.values())
        per = ", ".join(f"{code} {n}" for code, n in sorted(f.new_by_device.items()))
        out.append(f"{f.path.name} (van {f.source}, bundel {f.sequence}): {new} nieuwe "
                   f"stap{'pen' if new != 1 else ''}" + (f" ({per})" if per else "")
                   + f", {f.known} al aanwezig.")
    return out


def sentences(text: str) -> list[str]:
    """A reason in sentences (split after '. ' or ': ' before a capital), to show as rows."""
    out: list[str] = []
    start = 0
    for i in range(len(text) - 2):
        if text[i] in ".:" and text[i + 1] == " " and text[i + 2].isupper():
            out.append(text[start:i + 1].strip())
            start = i + 2
    out.append(text[start:].strip())
    return [s for s in out if s]


def select_first(tree: QTreeWidget) -> None:
    """Make the first row current, so the keyboard starts in the list, not before it."""
    first = tree.topLevelItem(0)
    if first is not None:
        tree.setCurrentItem(first)


def fill_report(tree: QTreeWidget, report: ImportReport) -> None:
    """The import report as a tree: files, new and updated cases and signals, rule
    violations and conflicts. Case rows carry their number (Enter opens the case)."""
    tree.clear()
    bold = style.bold(tree.font())

    def section(title: str, count: int | None = None) -> QTreeWidgetItem:
        text = title if count is None else f"{title} ({count})"
        item = QTreeWidgetItem([text])
        item.setFont(0, bold)
        tree.addTopLevelItem(item)
        item.setExpanded(True)
        return item

    def child(parent: QTreeWidgetItem, text: str, number: str | None = None,
              warn: bool = False) -> None:
        item = QTreeWidgetItem(parent, [text])
        item.setToolTip(0, text)
        if number:
            item.setData(0, ROLE_NUMBER, number)
            item.setToolTip(0, f"{text} – Enter opent de casus")
        if warn:
            item.setForeground(0, QBrush(STALE_COLOR))

    files = section("Bestanden", len(report.files))
    for f, line in zip(report.files, report_lines(report), strict=True):
        if not f.refused:
            child(files, line)
            continue
        # a refusal's reason is long: one row per sentence under the file, none cut off
        head = QTreeWidgetItem(files, [f"{f.path.name}: geweigerd, er is niets van "
                                       "ingelezen."])
        head.setForeground(0, QBrush(STALE_COLOR))
        head.setToolTip(0, line)
        for sentence in sentences(f.refused):
            child(head, sentence, warn=True)
        head.setExpanded(True)
    for title, numbers, is_case in (("Nieuwe casussen", report.new_cases, True),
                                    ("Bijgewerkte casussen", report.updated_cases, True),
                                    ("Nieuwe signalen", report.new_signals, False),
                                    ("Bijgewerkte signalen", report.updated_signals, False)):
        if numbers:
            head = section(title, len(numbers))
            for number in numbers:
                child(head, number, number if is_case else None)
    if report.handovers:
        head = section("Overgedragen casussen, met persoonsgegevens", len(report.handovers))
        for number in report.handovers:
            child(head, f"{number}: leg 'Toegewezen' aan uzelf vast", number)
    if report.violations:
        head = section("Regels geschonden (gemarkeerd, niet weggelaten)",
                       len(report.violations))
        for number, event_id, why in report.violations:
            child(head, f"{number} (stap {event_id[:8]}): {why}",
                  number if not number.startswith("S-") else None, warn=True)
    if report.conflicts:
        head = section("Conflicten: twee correcties van dezelfde stap", len(report.conflicts))
        for number, target in report.conflicts:
            child(head, f"{number} (stap {target[:8]}): leg een nieuwe correctie vast die de "
                        "juiste waarde kiest", number, warn=True)
    if not report.files:
        section("Geen bestanden gekozen")


def empty_report(tree: QTreeWidget) -> None:
    tree.clear()
    item = QTreeWidgetItem(["Nog niets ingelezen. Kies 'Bundels inlezen…' of de Weekronde."])
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    tree.addTopLevelItem(item)
