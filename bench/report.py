"""Markdown tables, printed and written to bench/results.md."""
import platform
import subprocess
from pathlib import Path

RESULTS = Path(__file__).with_name("results.md")


def table(rows: list[dict]) -> str:
    if not rows:
        return "(nothing measured)\n"
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(row.get(c, "")) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")
    return f"{cores} cores, {model}, {int(memory) // 2**20} GiB RAM, Python {platform.python_version()}"


class Report:
    def __init__(self, title: str):
        self.parts = [f"# {title}\n"]
        self.head = 0  # where a `first` section goes: after the first text (the run's description)

    def text(self, text: str) -> None:
        self.parts.append(text + "\n")
        self.head = self.head or len(self.parts)
        print(text, flush=True)

    def section(self, title: str, rows: list[dict], notes: list[str] = (), first: bool = False) -> None:
        """`first` puts the section at the top of the file (after the run's description); it is printed now."""
        body = f"## {title}\n\n{table(rows)}" + "".join(f"\n- {note}" for note in notes if note)
        self.parts.insert(self.head if first else len(self.parts), body + "\n")
        print("\n" + body, flush=True)

    def write(self, path: Path = RESULTS) -> None:
        path.write_text("\n".join(self.parts))
        print(f"\nwritten to {path}")
