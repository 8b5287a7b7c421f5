"""A catalog built in parallel: the same bytes with --jobs 1, --jobs 2 and on a two-node Ray cluster,
a run that survives losing a Ray node, and a run with nothing to do that parses nothing."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from storyexport.formats import Options
from storyexport.pipeline import build

pytestmark = pytest.mark.slow  # every test builds a catalog of stories, narrated with eSpeak NG

TARGETS = ["audio", "html", "epub", "pdf"]
ESPEAK = {"tts": "espeak", "offline": True}


@pytest.fixture(scope="module")
def in_two_processes(catalog, tmp_path_factory):
    """The catalog built with two worker processes (--jobs 2): every other build must equal it."""
    class Recorder:  # what the progress display is told
        def __init__(self):
            self.stories, self.steps, self.done = 0, set(), []

        def started(self, stories: int) -> None:
            self.stories = stories

        def step(self, story: str, task: str, done: int, total: int) -> None:
            self.steps.add((story, task.split(" (")[0]))

        def finished(self, story: str) -> None:
            self.done.append(story)

    output = tmp_path_factory.mktemp("jobs2") / "output"
    progress = Recorder()
    result = build([catalog], TARGETS, output, Options(jobs=2, **ESPEAK), progress)
    assert not result.failed
    slugs = sorted(p.name for p in catalog.iterdir())
    assert progress.stories == 4 and sorted(progress.done) == slugs  # the catalog line and its count
    tasks = ["narration en", "narration es", "html", "epub", "pdf", "report"]  # a line per story and task
    assert progress.steps == {(slug, task) for slug in slugs for task in tasks}
    assert len(result.workers) == 2  # the work went to two worker processes, whose memory is reported
    assert all(50 * 2**20 < usage.peak_memory < 2**31 and usage.cpu_seconds > 0.5 for usage in result.workers.values())
    return output


def test_one_process_and_two_make_the_same_bytes(catalog, in_two_processes, tmp_path, output_files,
                                                 carry_over_checks):
    output = tmp_path / "output"
    carry_over_checks(in_two_processes, output)
    result = build([catalog], TARGETS, output, Options(jobs=1, **ESPEAK))
    assert not result.failed and result.workers == {}  # all in this process
    assert result.cache_stats["put:sentence"] > 0 and result.cache_stats["put:freshness"] > 0  # built, not copied
    reference, made = output_files(in_two_processes), output_files(output)
    assert len(reference) > 4 * 20
    assert sorted(made) == sorted(reference)
    assert [name for name in reference if made[name] != reference[name]] == []


def test_a_second_run_parses_nothing_and_imports_no_heavy_library(catalog, in_two_processes, tmp_path):
    """The run with nothing to do, in a fresh process, as a publisher starts it."""
    import subprocess

    probe = ("import sys; from storyexport.cli import main; sys.argv[0] = 'storyexport'\n"
             "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'onnxruntime', 'weasyprint', "
             "'ray', 'PIL', 'markdown_it', 'lxml', 'jinja2'})\nprint(code, heavy)")
    done = subprocess.run([sys.executable, "-c", probe, "all", str(catalog), "-o", str(in_two_processes), "-q",
                           "--tts", "espeak", "--offline", "--jobs", "1"], capture_output=True, text=True, timeout=120)
    assert done.stdout.split("\n")[0] == "0 []", done.stderr
    again = build([catalog], TARGETS, in_two_processes, Options(jobs=2, **ESPEAK))
    assert not again.failed and len(again.results) == 4 * len(TARGETS)
    assert again.cache_stats["hit:story-record"] == 4
    assert sum(n for kind, n in again.cache_stats.items() if kind.startswith("put:")) == 0


def test_a_ray_cluster_makes_the_same_bytes(catalog, in_two_processes, ray_cluster, tmp_path, output_files,
                                            carry_over_checks):
    output = tmp_path / "output"
    carry_over_checks(in_two_processes, output)
    result = build([catalog], TARGETS, output, Options(cluster=ray_cluster.address, **ESPEAK))
    assert not result.failed
    assert len(result.workers) == 2  # one worker per CPU of the cluster: one on each node
    reference, made = output_files(in_two_processes), output_files(output)
    assert sorted(made) == sorted(reference)
    assert [name for name in reference if made[name] != reference[name]] == []

    edited = tmp_path / "source"  # the catalog copied elsewhere, one sentence of one story changed
    shutil.copytree(catalog, edited)
    story = edited / "market" / "story.md"
    story.write_text(story.read_text("utf-8").replace("opens at dawn", "opens before dawn"), "utf-8")
    again = build([edited], TARGETS, output, Options(cluster=ray_cluster.address, **ESPEAK))
    assert not again.failed
    assert again.cache_stats["put:story-record"] == 1  # the other stories are skipped, not even sent
    assert again.cache_stats["put:sentence"] == 1  # of the edited story, only the new sentence is spoken


def test_losing_a_ray_node_mid_run_still_completes_the_catalog(catalog, in_two_processes, ray_cluster, tmp_path,
                                                              output_files):
    """A third node joins; as soon as the first sentence is spoken it dies (its raylet, its workers):
    the tasks it held go to the other nodes, and the narration is the same."""
    doomed = ray_cluster.add_node(num_cpus=1, **ray_cluster.loopback)
    ray_cluster.wait_for_nodes()
    killed = []

    class KillOnFirstSentence:
        def started(self, stories: int) -> None:
            pass

        def step(self, story: str, task: str, done: int, total: int) -> None:
            if task.startswith("narration") and done > 0 and not killed:
                killed.append(story)
                ray_cluster.remove_node(doomed, allow_graceful=False)

        def finished(self, story: str) -> None:
            pass

    output = tmp_path / "output"
    result = build([catalog], ["audio"], output, Options(cluster=ray_cluster.address, **ESPEAK),
                   KillOnFirstSentence())
    assert killed and not result.failed
    assert result.retried > 0  # the lost node's tasks ran again elsewhere
    reference = output_files(in_two_processes)
    made = {name: data for name, data in output_files(output).items() if Path(name).suffix in (".mp3", ".opus")}
    assert len(made) == 4 * 2 * 2
    assert [name for name in made if made[name] != reference[name]] == []
