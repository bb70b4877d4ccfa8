"""Diagnostics: what a rule found or did at one place in one file."""
from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field


class Severity(str, enum.Enum):
    INFO = "info"        # a translation that changed something worth knowing
    WARNING = "warning"  # likely bug / behaviour change / approximation
    ERROR = "error"      # the file or construct could not be migrated


class Kind(str, enum.Enum):
    TRANSLATE = "translate"  # faithful translation: same function as the legacy code
    FIX = "fix"              # named cure for a collapse cause; off under --no-fixes
    TOOL = "tool"            # file-level problems (parse errors, encodings ...)


class Applicability(str, enum.Enum):
    """How safe a FIX rule's change is (ruff's line between safe and unsafe fixes)."""

    SAFE = "safe"      # cures a structural bug proven from the code: applied by default
    UNSAFE = "unsafe"  # changes data or hyperparameters: only with --unsafe-fixes / --fix ID


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    col: int
    rule: str
    message: str
    severity: Severity = Severity.INFO
    kind: Kind = Kind.TRANSLATE
    todo: bool = False    # a TODO(tflearn-migrate) marker was left in the output
    fixed: bool = False   # for FIX rules: the fix was applied (False under --no-fixes)
    withheld: bool = False  # an unsafe fix exists but was not applied (needs --unsafe-fixes / --fix ID)

    def format(self) -> str:
        flags = " [TODO]" if self.todo else (" [fixed]" if self.fixed else
                                              " [unsafe fix withheld]" if self.withheld else "")
        return f"{self.path}:{self.line}:{self.col}: {self.rule} {self.severity.value}: {self.message}{flags}"

    def to_json(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["kind"] = self.kind.value
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Diagnostic":
        d = dict(d)
        d["severity"] = Severity(d["severity"])
        d["kind"] = Kind(d["kind"])
        return cls(**d)


@dataclass
class FileResult:
    """Outcome of migrating one file."""

    path: str
    status: str  # "migrated" | "unchanged" | "failed" | "skipped"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reason: str = ""  # for failed / skipped files: one line, what to do
    code: str | None = None  # new source (only when requested)
    counts: dict[str, int] = field(default_factory=dict)  # translations done, by rule
    seconds: float | None = None  # time spent on the file (parse + rewrite), when measured

    def to_json(self) -> dict:
        out = {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "counts": dict(self.counts),
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }
        if self.seconds is not None:
            out["seconds"] = round(self.seconds, 4)
        return out

    @classmethod
    def from_json(cls, d: dict) -> "FileResult":
        return cls(path=d["path"], status=d["status"], reason=d.get("reason", ""),
                   counts=dict(d.get("counts", {})), seconds=d.get("seconds"),
                   diagnostics=[Diagnostic.from_json(x) for x in d.get("diagnostics", [])])
