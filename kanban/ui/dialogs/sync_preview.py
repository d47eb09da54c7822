"""*JIRA → Preview sync*: what the next sync would do, before it does it.

Shows a :class:`~kanban.sync.preview.SyncPlan` grouped as the sync would act:
what comes from JIRA, what goes to JIRA, new cards and issues, archived
cards and conflicts, one line per card with the fields and their new values.
The first sync of a newly connected board opens it before anything is
applied; "Sync now" then runs the real sync.

Signals:
    apply_requested(): the user chose to run the sync now.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kanban.sync.preview import HEADINGS, ChangeKind, PlannedChange, SyncPlan

FIELD_NAMES = {
    "title": "title",
    "description": "description",
    "column": "column",
    "assignee": "assignee",
    "labels": "labels",
    "flagged": "not ready",
    "project": "project",
}


class SyncPreviewDialog(QDialog):
    """The plan of one sync, read-only, with "Sync now" and "Close"."""

    apply_requested = Signal()

    def __init__(
        self,
        plan: SyncPlan,
        *,
        first: bool = False,
        column_names: dict[int, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.plan = plan
        self.column_names = column_names or {}
        self.setWindowTitle("First sync with JIRA" if first else "Preview sync")
        self.resize(720, 480)
        layout = QVBoxLayout(self)
        intro = (
            "This board has not synced with JIRA yet. This is what the first sync will do; "
            "nothing has been changed yet."
            if first
            else "What a sync would do now. Nothing has been changed yet."
        )
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.summary = QLabel(plan.summary())
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-weight: bold")
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Card or issue", "What changes"])
        self.tree.setColumnWidth(0, 300)
        self.tree.setUniformRowHeights(True)
        layout.addWidget(self.tree, 1)
        self._fill()
        notes = [*plan.notes]
        if plan.by_category:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(plan.by_category.items()))
            notes.append(
                f"No column lists {names}: they go to the column of their category (to do → "
                "task pool, in progress → first active column, done → done). To choose: "
                "JIRA → Connection… → Statuses."
            )
        if plan.unmapped:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(plan.unmapped.items()))
            notes.append(
                f"No column stands for {names}, and JIRA gives no category to place them "
                "by; their cards stay where they are. Choose a column for them in JIRA → "
                "Connection… → Statuses."
            )
        self.notes = QLabel("\n".join(notes))
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("Sync now", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(not plan.empty or first)
        close = buttons.addButton(
            "Not now" if first else "Close", QDialogButtonBox.ButtonRole.RejectRole
        )
        close.setDefault(plan.empty and not first)
        buttons.accepted.connect(self._apply)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _fill(self) -> None:
        for kind, heading in HEADINGS.items():
            changes = self.plan.of(kind)
            if not changes:
                continue
            group = QTreeWidgetItem([f"{heading} ({len(changes)})", ""])
            group.setFirstColumnSpanned(True)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for change in changes:
                item = QTreeWidgetItem([change.label(), self.describe(change)])
                item.setToolTip(1, self.describe(change))
                item.setData(0, Qt.ItemDataRole.UserRole, change.card_id)
                group.addChild(item)
            group.setExpanded(True)

    def describe(self, change: PlannedChange) -> str:
        """The fields of a change in the window's words: "column → In progress"."""
        if change.kind is ChangeKind.CONFLICT:
            return "; ".join(
                f"{FIELD_NAMES.get(k, k)}: here {self._value(k, v[0])}, "
                f"in JIRA {self._value(k, v[1])}"
                for k, v in change.fields.items()
            )
        if change.kind in (ChangeKind.ARCHIVE, ChangeKind.KEEP):
            return "left the board's JIRA query"
        if change.kind is ChangeKind.CREATE_CARD:
            column = change.fields.get("column")
            return f"new card in {self._value('column', column)}" if column else "new card"
        if change.kind is ChangeKind.CREATE_ISSUE:
            return "new issue"
        return "; ".join(
            f"{FIELD_NAMES.get(k, k)} → {self._value(k, v)}" for k, v in change.fields.items()
        )

    def _value(self, name: str, value: Any) -> str:
        if name == "column" and value is not None:
            return self.column_names.get(int(value), str(value))
        if name == "flagged":
            return "yes" if value else "no"
        if name == "labels":
            return ", ".join(value) if value else "none"
        if value in (None, ""):
            return "none"
        text = str(value)
        return text if len(text) <= 60 else text[:57] + "…"

    def _apply(self) -> None:
        self.apply_requested.emit()
        self.accept()
