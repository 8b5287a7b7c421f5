"""Hardening: interruptions, concurrent runs, damaged cache, full and read-only disks, hostile content
in every format. (Bad sources through every command: test_source_errors.py.)"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from storyexport.formats import Options
from storyexport.pipeline import build
from storyexport.store.output import output_lock

pytestmark = pytest.mark.slow  # every test builds PDFs, narrates, or runs `storyexport all`

STORYEXPORT = [sys.executable, "-m", "storyexport"]


def manifest_files(folder: Path) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in json.loads((folder / "manifest.json").read_text())["files"]}


def _wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the build never got going"
        time.sleep(0.05)


def _complete(path: Path) -> None:
    """Raises if an output file is cut short."""
    if path.suffix == ".pdf":
        pikepdf.open(path).close()
    elif path.suffix == ".epub":
        assert zipfile.ZipFile(path).testzip() is None
    elif path.suffix == ".json":
        json.loads(path.read_text())


def _session_processes(session: int) -> list[int]:
    """The processes still in a session (field 6 of /proc/<pid>/stat): a run's workers are in its own."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session and fields[0] != "Z":  # a zombie is already gone, waiting to be reaped
            alive.append(int(stat.parent.name))
    return alive


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_run_leaves_nothing_half_written_and_the_next_reuses_its_work(signum, tmp_path, paths):
    """A parallel run (two worker processes) stopped as a terminal's Ctrl-C or a service manager
    would: exit 130, no process left, no temporary file, every output complete."""
    output, temp = tmp_path / "output", tmp_path / "temp"
    temp.mkdir()
    command = [*STORYEXPORT, "all", str(paths.sample), "-o", str(output), "--offline", "--tts", "espeak", "-q",
               "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "TMPDIR": str(temp)})
    sentences = lambda: [p for p in (output / ".cache").rglob("*.json") if '"kind": "sentence"' in p.read_text()]  # noqa: E731
    _wait_for(lambda: len(sentences()) >= 3 or process.poll() is not None)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # the whole process group, as a terminal does
    else:
        process.send_signal(signum)
    try:
        _, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # leave no run behind the failing test
        raise
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr and "internal error" not in stderr
    deadline = time.monotonic() + 10  # the workers end with the run
    while _session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _session_processes(process.pid) == []
    assert list(temp.iterdir()) == []
    assert list(output.rglob("*.tmp")) == []
    for path in (output / "serving-hope").rglob("*"):
        if path.is_file():
            _complete(path)
    spoken = len(sentences())
    assert spoken >= 3
    again = build([paths.sample], ["audio", "html", "epub", "pdf"], output, Options(tts="espeak", offline=True))
    assert not again.failed
    assert again.cache_stats["put:sentence"] == len(sentences()) - spoken  # nothing is spoken twice


def test_two_runs_on_one_output_folder_take_turns(tmp_path, paths):
    output = tmp_path / "output"
    command = [*STORYEXPORT, "pdf", str(paths.stories / "bilingual"), "-o", str(output)]
    output.mkdir()
    with output_lock(output):  # held here until both runs say they wait: however loaded the machine, they meet
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(2)]
        said = [_until_waiting(run) for run in runs]
    results = [(out, said_before + err) for run, said_before in zip(runs, said)
               for out, err in [run.communicate(timeout=300)]]
    assert [run.returncode for run in runs] == [0, 0], results
    assert all("another storyexport run is writing to" in err and "waiting" in err for _, err in results)
    folder = output / "bilingual"
    for path, sha in manifest_files(folder).items():
        _complete(folder / path)
    assert list(output.rglob("*.tmp")) == []


def _until_waiting(run: subprocess.Popen) -> str:
    """What a run wrote to stderr up to its line saying it waits for the output folder (all, if it ended)."""
    lines = []
    while line := run.stderr.readline():
        lines.append(line)
        if "waiting" in line:
            break
    return "".join(lines)


def test_a_damaged_cache_entry_is_detected_by_its_hash_and_rebuilt(tmp_path, paths):
    output = tmp_path / "output"
    build([paths.stories / "minimal"], ["audio"], output, Options(tts="espeak", offline=True))
    mp3 = output / "minimal" / "minimal.en.mp3"
    original = mp3.read_bytes()
    for record in (output / ".cache").rglob("*.json"):
        if '"kind": "sentence"' in record.read_text():
            blob = record.with_suffix(".bin")
            data = bytearray(blob.read_bytes())
            data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
            blob.write_bytes(bytes(data))
    mp3.unlink()
    again = build([paths.stories / "minimal"], ["audio"], output, Options(tts="espeak", offline=True))
    assert not again.failed
    assert again.cache_stats["corrupt:sentence"] == again.cache_stats["put:sentence"] > 0
    assert mp3.read_bytes() == original


def _in_small_mount(tmp_path: Path, options: str, command: list[str]) -> subprocess.CompletedProcess:
    """Run `command` with `tmp_path/mnt` a private tmpfs mount (its own mount namespace)."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    script = (f'mount -t tmpfs -o size=256k tmpfs "{mount}" && mkdir -p "{mount}/output" && '
              f'{{ [ "{options}" != ro ] || mount -o remount,ro "{mount}"; }} && exec "$@"')
    return subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", *command], capture_output=True, text=True,
                          timeout=300)


def _can_mount(tmp_path: Path) -> bool:
    (tmp_path / "probe").mkdir()
    return _in_small_mount(tmp_path / "probe", "rw", ["true"]).returncode == 0


@pytest.mark.parametrize("kind, message", [("full", "the disk is full"), ("ro", "the file system is read-only")])
def test_a_full_disk_or_read_only_folder_is_a_clear_error(kind, message, tmp_path, paths):
    if shutil.which("unshare") is None or not _can_mount(tmp_path):
        pytest.skip("this machine does not let the tests mount a small file system (see the EFBIG test)")
    output = tmp_path / "mnt" / "output"
    result = _in_small_mount(tmp_path, kind, [*STORYEXPORT, "pdf", str(paths.sample), "-o", str(output)])
    assert result.returncode == 1, result.stderr
    assert "output error: cannot write" in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_size_limit_is_a_clear_error(tmp_path, paths):
    """Writes that the system refuses (here EFBIG, under a file size limit) end with exit 1, no traceback."""
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    output = tmp_path / "output"
    result = subprocess.run([*STORYEXPORT, "pdf", str(paths.sample), "-o", str(output)], capture_output=True, text=True,
                            preexec_fn=limit, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "output error: cannot write" in result.stderr and "File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(output.rglob("*.tmp")) == []


def executable_markup(document) -> list[str]:
    """Everything in a parsed page that could run: scripts (but JSON-LD), frames, objects, event
    handlers, javascript: or data:text/html addresses."""
    found = []
    for element in document.iter():
        tag = element.tag.split("}")[-1] if isinstance(element.tag, str) else ""
        if tag == "script" and element.get("type") != "application/ld+json" and not element.get("src"):
            found.append("inline script")
        if tag in ("iframe", "object", "embed", "frame", "base"):
            found.append(tag)
        for name, value in element.attrib.items():
            if name.split("}")[-1].lower().startswith("on"):
                found.append(f"{tag} {name}")
            if value.strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")):
                found.append(f"{tag} {name}={value[:30]}")
    return found


def test_hostile_content_is_inert_in_every_format(tmp_path, paths, run_cli):
    """Raw HTML (dropped by the allowlist, with warnings), event handlers, attribute injection and
    script-like text (inert text): nothing executable in the page, the EPUB and the PDF."""
    from lxml import etree, html

    output = tmp_path / "output"
    result = run_cli("all", paths.stories / "hostile", "-o", output, "--offline", "--tts", "espeak")
    assert result.exit_code == 0, result.output
    folder = output / "hostile"
    page = (folder / "html" / "index.html").read_text()
    assert executable_markup(html.document_fromstring(page)) == []
    assert "raw block script" not in page  # a raw <script> is dropped with its content
    assert "warning: raw HTML <script> dropped" in result.output
    # code stays text, escaped (the narrated page wraps its words in spans, which may cut it up)
    assert "<script>alert('code block')</script>" in html.document_fromstring(page).text_content()
    assert "&lt;script&gt;alert(&#39;code" in page
    with zipfile.ZipFile(folder / "hostile.en.epub") as book:
        for name in book.namelist():
            if name.endswith(".xhtml"):
                assert executable_markup(etree.fromstring(book.read(name))) == [], name
    with pikepdf.open(folder / "hostile.en.pdf") as pdf:
        names = pdf.Root.get("/Names", pikepdf.Dictionary())
        assert "/OpenAction" not in pdf.Root and "/JavaScript" not in names and "/EmbeddedFiles" not in names
        for page_ in pdf.pages:
            for annotation in page_.get("/Annots", []):
                action = annotation.get("/A", pikepdf.Dictionary())
                assert action.get("/S") != "/JavaScript"
                assert not str(action.get("/URI", "")).lower().startswith("javascript:")
