"""The pieces of a parallel run: units of work and their order, a worker's view of the cache, a
task's log lines and errors on their way back, and stories sent to another machine as bytes."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import pickle
import time
from pathlib import Path

import pytest

from storyexport.errors import BuildError
from storyexport.formats.pdf.editions import ACCESSIBLE, PRINT
from storyexport.model import Photo, walk_blocks
from storyexport.source.parse import parse
from storyexport.store.cache import Cache
from storyexport.store.freshness import inputs_digest
from storyexport.store.output import move_file
from storyexport.workers.parcels import OutputFiles, pack, unpack
from storyexport.workers.schedule import story_units
from storyexport.workers.task import Worker, WorkerCache, perform


def test_each_language_is_a_unit_of_its_own_and_waits_only_for_what_it_reads(paths):
    story, _ = parse(paths.story("bilingual"))
    units = story_units(story, ["audio", "html", "epub", "pdf"], story.languages)
    named = {(u.target, u.lang): u for u in units}
    assert list(named) == [("audio", "en"), ("audio", "es"), ("html", None), ("epub", "en"), ("epub", "es"),
                           ("pdf", "en"), ("pdf", "es")]
    assert [(n.target, n.lang) for n in named[("epub", "es")].needs] == [("audio", "es"), ("pdf", "es")]  # pages
    assert [(n.target, n.lang) for n in named[("html", None)].needs] == [("audio", "en"), ("audio", "es")]
    assert named[("pdf", "en")].needs == [] and named[("audio", "en")].needs == []
    assert [u.target for u in story_units(story, ["epub"], ("es",))] == ["epub"]  # audio not asked for: no wait


def test_a_worker_reads_the_drivers_cache_and_hands_its_own_entries_back(tmp_path):
    driver = Cache(tmp_path / "cache")
    driver.put("k" * 64, b"spoken", {"id": "s1"}, kind="sentence")
    view = WorkerCache(tmp_path / "cache")
    assert view.get("k" * 64, kind="sentence") == (b"spoken", {"id": "s1"})
    view.put("n" * 64, b"made here", {"w": 1}, kind="rendition")
    assert not (tmp_path / "cache" / "nn").exists()  # a worker never writes the cache
    assert view.get("n" * 64, kind="rendition") == (b"made here", {"w": 1})  # but remembers what it made
    entries, reads = view.handed_over()
    assert [(e.key, e.data, e.kind) for e in entries] == [("n" * 64, b"made here", "rendition")]
    assert reads["hit:sentence"] == 1 and reads["hit:rendition"] == 1
    assert view.handed_over()[0] == []


def test_a_worker_takes_no_entry_the_driver_would_refuse(tmp_path):
    driver = Cache(tmp_path / "cache")
    one, two = "1" * 64, "2" * 64
    driver.put(one, b"first", kind="sentence")
    driver.put(two, b"second", kind="sentence")
    (one_blob, one_record), (two_blob, two_record) = driver._paths(one), driver._paths(two)
    one_blob.write_bytes(b"second")  # swapped blobs, each record's plain sha256 made to fit
    two_blob.write_bytes(b"first")
    for record, data in ((one_record, b"second"), (two_record, b"first")):
        fields = json.loads(record.read_text())
        fields["sha256"] = hashlib.sha256(data).hexdigest()
        record.write_text(json.dumps(fields))
    driver.put(three := "3" * 64, b"third", kind="sentence")
    view = WorkerCache(tmp_path / "cache")
    assert view.get(one, kind="sentence") is None and view.get(two, kind="sentence") is None
    assert view.get(three, kind="sentence") == (b"third", {})
    assert view.get(three, kind="rendition") is None  # an entry is read as the kind it was written as
    assert view.handed_over()[1]["miss:sentence"] == 2


def test_a_worker_elsewhere_reads_no_cache_but_what_came_with_the_task(tmp_path):
    view = WorkerCache(None)
    assert view.get("a" * 64) is None
    view.know({"a" * 64: (b"checked", {})})
    assert view.get("a" * 64) == (b"checked", {})
    assert view.handed_over()[0] == []  # known entries are not new ones


def test_a_worker_remembers_a_bounded_amount(tmp_path, monkeypatch):
    import storyexport.workers.task as task

    monkeypatch.setattr(task, "RECENT_BYTES", 100)
    view = WorkerCache(None)
    for number in range(5):
        view.put(f"{number}" * 64, bytes(40))
    assert view.recent_bytes <= 100 and list(view.recent) == ["3" * 64, "4" * 64]


def _fails(worker: Worker, message: str) -> None:
    logging.getLogger("storyexport.test").warning("about to fail: %s", message)
    raise BuildError(message)


def test_a_tasks_error_and_log_lines_come_back_to_the_driver(tmp_path, caplog):
    outcome = perform(Worker(WorkerCache(None)), _fails, ("no voice",), "host:1")
    assert isinstance(outcome.error, BuildError) and str(outcome.error) == "no voice"
    assert "in a storyexport worker" in outcome.error.__notes__[0]  # its traceback, for --traceback
    assert pickle.loads(pickle.dumps(outcome)).error.args == ("no voice",)  # it travels
    assert [(line.logger, line.message) for line in outcome.log] == [("storyexport.test", "about to fail: no voice")]
    assert outcome.usage.peak_memory > 10 * 2**20 and outcome.usage.cpu_seconds > 0
    with caplog.at_level(logging.WARNING, logger="storyexport"):
        for line in outcome.log:
            line.emit()
    assert caplog.records[-1].getMessage() == "about to fail: no voice"


def _leaves_half_a_result(worker: Worker, started: str) -> None:
    """A task in a worker process doing what a worker ended while it hands its result back leaves:
    the start of a message in the pool's result pipe, and no more."""
    import gc
    import struct
    from multiprocessing.queues import SimpleQueue

    results = next(o for o in gc.get_objects() if isinstance(o, SimpleQueue))  # the pool's only one
    os.write(results._writer.fileno(), struct.pack("!i", 1000) + bytes(10))  # a 1,000-byte message's first 10
    Path(started).touch()
    time.sleep(600)


def test_a_worker_stopped_while_handing_back_its_result_holds_nothing_up(tmp_path):
    """Ctrl-C ends the worker processes wherever they are; the tasks the builders wait on end too."""
    from concurrent.futures import CancelledError
    from concurrent.futures.process import BrokenProcessPool

    from storyexport.workers.local import ProcessWorkers

    workers, started = ProcessWorkers(1, Cache(tmp_path / "cache")), tmp_path / "started"
    task = workers.submit(_leaves_half_a_result, str(started))
    pipe = workers.pool._result_queue
    try:
        for _ in range(600):
            if started.exists():
                break
            time.sleep(0.1)
        assert started.exists(), "the task never started"
        workers.cancel()
        with pytest.raises((BrokenProcessPool, CancelledError)):
            task.result(timeout=30)  # without the fix: TimeoutError, the pool's manager thread waiting for ever
    finally:
        pipe._writer.close()  # lets pytest end if the test failed


def test_an_edition_compares_equal_after_travelling():
    assert pickle.loads(pickle.dumps(PRINT)) == PRINT != ACCESSIBLE


def test_a_story_unpacked_elsewhere_reads_its_photos_there_and_is_the_same_story(paths, tmp_path):
    story, _ = parse(paths.sample)
    parcel = pickle.loads(pickle.dumps(pack(story)))
    here = unpack(parcel, tmp_path / "one")
    assert here.folder.name == story.folder.name and here.folder.is_relative_to(tmp_path / "one")
    photos = [here.cover, *(b.photo for a in here.articles for b in walk_blocks(a.blocks) if hasattr(b, "photo"))]
    assert photos and all(isinstance(p, Photo) and p.file.is_relative_to(here.folder) for p in photos)
    assert all(p.file.read_bytes() == (story.folder / p.src).read_bytes() for p in photos)
    assert inputs_digest("story", here) == inputs_digest("story", story)  # paths aside, nothing changed


def test_an_output_folder_travels_as_bytes(tmp_path):
    folder = tmp_path / "output" / "story"
    (folder / "html").mkdir(parents=True)
    (folder / "a.epub").write_bytes(b"book")
    (folder / "html" / "index.html").write_bytes(b"page")
    files = pickle.loads(pickle.dumps(OutputFiles(folder, ("a.epub", "html/index.html")).packed()))
    there = files.unpacked(tmp_path / "elsewhere")
    assert there.folder.name == "story" and there.folder != folder
    assert (there.folder / "html" / "index.html").read_bytes() == b"page"


@pytest.mark.parametrize("address", ["127.0.0.1:9", "ray://127.0.0.1:9"])
def test_a_cluster_address_where_nothing_answers_is_a_clear_error_at_once(address, tmp_path, run_cli, paths):
    pytest.importorskip("ray")
    result = run_cli("html", paths.stories / "minimal", "-o", tmp_path / "out", "--cluster", address)
    assert result.exit_code == 2
    assert f"--cluster {address}: nothing answers at 127.0.0.1:9" in result.output
    assert not (tmp_path / "out").exists()  # nothing written


@pytest.mark.parametrize("same_file_system", [True, False])
def test_a_file_a_worker_made_is_moved_into_place_whole(tmp_path, monkeypatch, same_file_system):
    """A worker on this machine writes a large output (a narration) in the run's temporary folder;
    the driver puts it in place, replacing the old one: renamed, or copied where the temporary
    folder is on another file system (a library caller's system temporary folder)."""
    made, target = tmp_path / "tmp" / "story.en.mp3", tmp_path / "out" / "story" / "story.en.mp3"
    made.parent.mkdir()
    made.write_bytes(b"new narration" * 100_000)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"old narration")
    if not same_file_system:  # the rename out of the temporary folder fails as across devices; the copy's own works
        rename = os.replace

        def across(source, destination):
            if Path(source) == made:
                raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
            rename(source, destination)
        monkeypatch.setattr(os, "replace", across)
    assert move_file(target, made) == target
    assert target.read_bytes() == b"new narration" * 100_000
    assert not made.exists() and sorted(p.name for p in target.parent.iterdir()) == ["story.en.mp3"]
