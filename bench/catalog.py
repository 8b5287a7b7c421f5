"""A whole catalog on this machine: --jobs 1, --jobs 2 and a local two-node Ray cluster; the no-op; 1,000 stories.

    .venv/bin/python bench/catalog.py [--stories 8] [--tts auto|espeak] [--no-ray] [--noop-stories 100]

--stories 0 measures the no-op only; --noop-stories -1 skips it.

Generates N bilingual stories (English and Spanish, 80 to 320 words a language, one to three
photos of 1600 to 2400 pixels), then builds them cold with `storyexport all`: with one process
(--jobs 1), with two worker processes (--jobs 2) and on a two-node Ray cluster started on
loopback (one CPU a node). For each it prints the wall time, the CPU time (the run and its
workers, or the run and the cluster's processes), the peak memory of the largest process and of
each worker, and the speed-up over --jobs 1 (CPU time: the run's process and its workers', each
with the programs it started; Ray's own daemons are not counted). Then the no-op (a second run with nothing to do)
for the sample story and for a catalog of --noop-stories small stories. Finally a model, from
the --jobs 1 run's measured cost per sentence spoken, per PDF page laid out and per story
checked, of 1,000 stories in two languages on k machines of c cores.

Narration: --tts auto narrates offline (Piper for English, Kokoro for Spanish), as a publisher
without Google would; --tts espeak is quicker. The runs, the cluster and every file are removed
at the end. Nothing leaves the machine (Ray's usage report and cloud probes are switched off).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve()
ENGLISH = ("the community garden clinic doctor family border town river market school children mother "
           "father patient nurse work future journey home country city morning evening light water bread "
           "hands voice year month week street bus letter friend colleague language lesson hope").split()
SPANISH = ("la comunidad el huerto la clínica el médico la familia la frontera el pueblo el río el mercado "
           "la escuela los niños la madre el padre la enfermera el trabajo el futuro el viaje la casa el "
           "país la ciudad la mañana la tarde la luz el agua el pan las manos la voz el año la calle").split()
VERBS = {"en": "walks carries remembers builds finds opens shares learns teaches waits".split(),
         "es": "camina lleva recuerda construye encuentra abre comparte aprende enseña espera".split()}


# -- the catalog --------------------------------------------------------------------------------

def sentence(rng: random.Random, lang: str) -> str:
    vocabulary = ENGLISH if lang == "en" else SPANISH
    words = [rng.choice(vocabulary) for _ in range(rng.randint(6, 14))]
    words.insert(rng.randint(1, 3), rng.choice(VERBS[lang]))
    return " ".join(words).capitalize() + "."


def photo(path: Path, rng: random.Random) -> None:
    from PIL import Image, ImageDraw

    width = rng.choice((1600, 2000, 2400))
    image = Image.new("RGB", (width, width * 2 // 3), tuple(rng.randint(120, 230) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(20):
        x, y = rng.randint(0, width - 100), rng.randint(0, width * 2 // 3 - 100)
        draw.ellipse([x, y, x + rng.randint(60, 400), y + rng.randint(60, 400)],
                     fill=tuple(rng.randint(0, 255) for _ in range(3)))
    image.save(path, "JPEG", quality=85, dpi=(300, 300))


def text(rng: random.Random, lang: str, words: int, photos: int, spanish_alt: bool) -> list[str]:
    lines, count, figure = [], 0, 0
    while count < words:
        paragraph = " ".join(sentence(rng, lang) for _ in range(rng.randint(2, 5)))
        lines += [paragraph, ""]
        count += len(paragraph.split())
        if figure < photos and count > (figure + 1) * words / (photos + 1):
            figure += 1
            alt = "Círculos de colores sobre un fondo liso." if spanish_alt else "Coloured circles on a plain background."
            lines += [f"![{alt}](photos/p{figure}.jpg){{#p{figure} credit=\"Bench/Generated\"}}", ""]
    return lines


def make_story(folder: Path, number: int, words: int, photos: int, photo_size: bool = True) -> None:
    rng = random.Random(number)
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    for index in range(1, photos + 1):
        if photo_size:
            photo(folder / "photos" / f"p{index}.jpg", rng)
        else:
            shutil.copy(ROOT / "tests" / "fixtures" / "stories" / "bilingual" / "photos" / "photo.jpg",
                        folder / "photos" / f"p{index}.jpg")
    lines = ["---", f'title: "Catalog story {number}"', "lang: en", "date: 2024-05-01", "author: Bench Writer",
             "publisher: storyexport bench", "translations:", f'  es: {{title: "Historia {number} del catálogo"}}',
             "---", "", *text(rng, "en", words, photos, False), "::: {lang=es}", "",
             *text(rng, "es", words, photos, True), ":::", ""]
    (folder / "story.md").write_text("\n".join(lines), "utf-8")


def make_catalog(dest: Path, stories: int, small: bool = False) -> Path:
    """`stories` bilingual stories under dest/source/; small: 40 words and one tiny photo each."""
    source = dest / "source"
    for number in range(1, stories + 1):
        rng = random.Random(number * 7919)
        words, photos = (40, 1) if small else (rng.randint(80, 320), rng.randint(1, 3))
        make_story(source / f"story-{number:03d}", number, words, photos, photo_size=not small)
    return source


# -- one run, in a process of its own (measured from outside) ----------------------------------

def child(args: argparse.Namespace) -> None:
    """Build in this process and print what the model needs: sentences and their cost, pages, reports."""
    from storyexport import pipeline
    from storyexport.formats import Options
    from storyexport.formats.audio import synthesis

    spent = {"synthesis": 0.0, "sentences": 0, "report": 0.0}
    speak, finish = synthesis.speak_sentence, pipeline._finish_story

    def timed_speak(*a):  # only seen in this process: with --jobs 1 every sentence is spoken here
        start = time.perf_counter()
        try:
            return speak(*a)
        finally:
            spent["synthesis"] += time.perf_counter() - start
            spent["sentences"] += 1

    def timed_finish(*a):
        start = time.perf_counter()
        try:
            return finish(*a)
        finally:
            spent["report"] += time.perf_counter() - start

    pipeline._finish_story = timed_finish
    if args.jobs == 1 and not args.cluster:  # tasks that go to other processes must be importable functions
        synthesis.speak_sentence = timed_speak
    if args.cluster:
        import ray._private.services as services

        services.resolve_ip_for_localhost = lambda host: host  # keep 127.0.0.1 (Ray issue 59110)
    options = Options(tts=args.tts, offline=True, jobs=args.jobs, cluster=args.cluster)
    result = pipeline.build([Path(args.source)], ["audio", "html", "epub", "pdf"], Path(args.output), options)
    pages = sum(o.details.get("pages", 0) for r in result.results for o in r.outputs if o.format == "pdf")
    print(json.dumps({**spent, "pages": pages, "failed": result.failed, "stories": len({r.story for r in result.results}),
                      "workers": sorted((u.peak_memory for u in result.workers.values()), reverse=True),
                      "workers_cpu": sum(u.cpu_seconds for u in result.workers.values()), "retried": result.retried,
                      "driver_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))


def run(source: Path, output: Path, tts: str, jobs: int, cluster: str | None = None) -> dict:
    """Build in a fresh process: wall time, CPU time (the run's own and its workers', each with the
    programs it started, such as EPUBCheck's Java) and the peak memory of the run's own process."""
    command = [sys.executable, str(HERE), "--child", "--source", str(source), "--output", str(output),
               "--tts", tts, "--jobs", str(jobs), *(["--cluster", cluster] if cluster else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"the run failed:\n{done.stderr[-3000:]}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) + measured["workers_cpu"]
    return {**measured, "wall": wall, "cpu": cpu, "driver_cpu": cpu - measured["workers_cpu"],
            "peak": measured["driver_peak"], "load": os.getloadavg()[0]}


def noop(source: Path, output: Path, runs: int = 5) -> float:
    """The best wall time of a run with nothing to do (after a first run built everything)."""
    command = [sys.executable, "-m", "storyexport", "all", str(source), "-o", str(output), "-q", "--offline",
               "--tts", "espeak"]
    subprocess.run(command, check=True, capture_output=True)
    built = _listing(output)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    if _listing(output) != built:
        sys.exit("a run that should have had nothing to do wrote files (was storyexport edited meanwhile?)")
    return min(times)


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


# -- a Ray cluster on loopback ----------------------------------------------------------------

class LoopbackCluster:
    """Two Ray nodes of one CPU each on 127.0.0.1, in a temporary folder, with nothing sent out."""

    def __enter__(self):
        import ray._private.services as services
        from ray.cluster_utils import Cluster

        self.temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # AF_UNIX paths stay under 107 bytes
        home = Path(self.temp) / "home"
        (Path(self.temp) / "ray").mkdir()
        home.mkdir()
        (home / "ray_bootstrap_config.yaml").write_text("{}\n")  # no cloud-metadata probes
        self.saved = dict(os.environ)
        os.environ.update(HOME=str(home), TMPDIR=self.temp, RAY_USAGE_STATS_ENABLED="0",
                          RAY_USAGE_STATS_REPORT_URL="http://127.0.0.1:9/")
        services.resolve_ip_for_localhost = lambda host: host
        loopback = {"node_ip_address": "127.0.0.1", "temp_dir": self.temp}
        self.cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False,
                                                                     **loopback})
        self.cluster.add_node(num_cpus=1, **loopback)
        return self

    def pids(self) -> list[int]:
        """Every process of the cluster: each keeps files open in its temporary folder."""
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if any(os.readlink(f"/proc/{pid}/fd/{fd}").startswith(self.temp) for fd in os.listdir(f"/proc/{pid}/fd")):
                    found.append(int(pid))
            except OSError:
                pass
        return [pid for pid in found if pid != os.getpid()]

    def __exit__(self, *exc) -> None:
        self.cluster.shutdown()
        for pid in self.pids():
            os.kill(pid, 9)
        shutil.rmtree(self.temp, ignore_errors=True)
        os.environ.clear()
        os.environ.update(self.saved)


# -- the report ---------------------------------------------------------------------------------

def table(rows: list[tuple], header: tuple) -> None:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)))
    print()


def model(one: dict, two: dict, stories: int) -> None:
    """1,000 stories × 2 languages on k machines of c cores, from the --jobs 1 run's measured costs.

    Costs are in processor seconds (the run's wall-clock shares of speaking, laying out and
    checking, times the processor time it got per second: on a shared machine wall time is not
    work). The parallel overhead is the extra processor time --jobs 2 spent for the same catalog."""
    busy = one["cpu"] / one["wall"]  # processor seconds the run got per second of wall time
    per_sentence = one["synthesis"] * busy / max(1, one["sentences"])
    per_story_report = one["report"] * busy / stories
    per_page = (one["wall"] - one["synthesis"] - one["report"]) * busy / max(1, one["pages"])
    sentences, pages = one["sentences"] / stories * 1000, one["pages"] / stories * 1000
    efficiency = min(1.0, one["cpu"] / two["cpu"])
    work = sentences * per_sentence + pages * per_page + 1000 * per_story_report  # reports are workers' tasks too
    print(f"Model (processor seconds): {per_sentence * 1000:.0f} ms a sentence spoken, {per_page:.2f} s a PDF page "
          f"laid out (with its language's EPUB, page and audio encoding), {per_story_report:.1f} s a story "
          f"checked (its report); 1,000 stories of this catalog's size: {sentences:,.0f} sentences, {pages:,.0f} "
          f"PDF pages, {work / 3600:.1f} processor hours; parallel efficiency {efficiency:.2f} (the processor time "
          f"of --jobs 1 over that of --jobs 2). Hours on k machines of c cores, a worker a core:")
    rows = [(machines, *(_hours(work / (machines * cores * efficiency)) for cores in (2, 8, 32)))
            for machines in (1, 2, 4, 8, 16, 32)]
    table(rows, ("machines", "2 cores", "8 cores", "32 cores"))


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _mib(size: int) -> str:
    return f"{size / 2**20:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=8, help="stories of the catalog built three ways (0: skip)")
    parser.add_argument("--tts", default="auto", choices=["auto", "espeak"])
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray cluster")
    parser.add_argument("--noop-stories", type=int, default=100, help="stories of the no-op catalog (0: the sample only; -1: no no-op)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--cluster", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    with tempfile.TemporaryDirectory(prefix="storyexport-catalog-") as temp:
        work = Path(temp)
        if args.stories:
            builds(work, args)
        if args.noop_stories >= 0:
            rows = [("sample (source/serving-hope)", f"{noop(ROOT / 'source' / 'serving-hope', work / 'noop-sample'):.2f}")]
            if args.noop_stories:
                small = make_catalog(work / "small", args.noop_stories, small=True)
                rows.append((f"{args.noop_stories} small stories", f"{noop(small, work / 'noop-catalog'):.2f}"))
            table(rows, ("no-op `storyexport all`", "wall s"))


def builds(work: Path, args: argparse.Namespace) -> None:
    """The catalog built cold three ways, and the model of 1,000 stories."""
    source = make_catalog(work / "catalog", args.stories)
    runs = {"--jobs 1": run(source, work / "jobs1", args.tts, 1),
            "--jobs 2": run(source, work / "jobs2", args.tts, 2)}
    if not args.no_ray:
        with LoopbackCluster() as cluster:
            runs["Ray, 2 nodes × 1 CPU"] = run(source, work / "ray", args.tts, 1, cluster.cluster.address)
    one = runs["--jobs 1"]
    print(f"{args.stories} bilingual stories, narrated with {args.tts}, {os.cpu_count()} cores\n")
    table([(name, f"{r['wall']:.1f}", f"{r['cpu']:.1f}", f"{r['driver_cpu']:.1f}", _mib(r["peak"]),
            ", ".join(map(_mib, r["workers"])) or "-", f"{one['wall'] / r['wall']:.2f}×", f"{r['load']:.1f}")
           for name, r in runs.items()],
          ("run", "wall s", "CPU s", "driver CPU s", "driver peak MiB", "workers' peak MiB", "speed-up", "load"))
    print("load: the machine's load average (1 min) at the end of the run; above the core count, other "
          "programs took processor time from this one\n")
    model(one, runs["--jobs 2"], args.stories)

if __name__ == "__main__":
    main()
