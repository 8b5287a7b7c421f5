"""Compare two builds of the same stories file by file: every published file's sha256, from each manifest.

    python tools/same_outputs.py OLD_OUTPUT NEW_OUTPUT    (folders holding <slug>/manifest.json)

Prints each story's files that differ, are missing or are new, and exits 1 if any do: the check
that a change which should not touch the outputs (a refactoring, memory work) did not.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def digests(story_folder: Path) -> dict[str, str]:
    manifest = json.loads((story_folder / "manifest.json").read_text("utf-8"))
    return {entry["path"]: entry["sha256"] for entry in manifest["files"]}


def compare(old: Path, new: Path) -> list[str]:
    differences = []
    slugs = sorted({p.parent.name for p in (*old.glob("*/manifest.json"), *new.glob("*/manifest.json"))})
    for slug in slugs:
        before = digests(old / slug) if (old / slug / "manifest.json").is_file() else {}
        after = digests(new / slug) if (new / slug / "manifest.json").is_file() else {}
        for path in sorted(before.keys() | after.keys()):
            if path not in after:
                differences.append(f"{slug}/{path}: missing from the new build")
            elif path not in before:
                differences.append(f"{slug}/{path}: new in the new build")
            elif before[path] != after[path]:
                differences.append(f"{slug}/{path}: differs")
        print(f"{slug}: {len(before)} files before, {len(after)} after")
    return differences


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    differences = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(differences) if differences else "every file is byte-identical")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
