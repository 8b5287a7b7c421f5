"""The command line: the only place that prints and exits."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.table import Table
from rich.text import Text

from . import __version__
from .errors import ExitCode, SourceError, StoryExportError, display_path
from .formats import FORMATS, OVERLAY_LEVELS, SENTENCE, Options, get_builder
from .formats.audio.tts import ENGINES
from .pipeline import RunResult, build, configure_libraries, load_stories
from .source.discover import PROJECT_FILE
from .text.languages import language_problem
from .store.layout import TIMINGS
from .text.units import clock, file_size
from .workers import BUILDING

console = Console(stderr=True, highlight=False)
out = Console(highlight=False)

EPILOG = """\b
Examples:
  storyexport all                       every format of every story in source/
  storyexport all source/serving-hope --lang es --offline
  storyexport check source/             validate the sources only
Outputs go to output/<slug>/. Exit status: 0 built, 1 a format failed,
2 bad usage or bad source (nothing written), 130 interrupted.
The source format: docs/source-format.md"""


class _ConsoleHandler(logging.Handler):
    """Log records as plain lines on stderr ("warning: ..."), never wrapped, so they can be grepped;
    a line made while a story is built names the story ("serving-hope: narration es: ...")."""

    STYLES = {logging.WARNING: ("warning: ", "yellow"), logging.ERROR: ("error: ", "red")}

    def emit(self, record: logging.LogRecord) -> None:
        prefix, style = self.STYLES.get(min(record.levelno, logging.ERROR) if record.levelno >= logging.WARNING
                                        else 0, ("", None))
        message = self.format(record)
        story = BUILDING.get()
        if story and not message.startswith(f"{story}:"):
            message = f"{story}: {message}"
        console.print(prefix + message, style=style, markup=False, soft_wrap=True, highlight=False)


def _setup_logging(verbose: bool, quiet: bool) -> None:
    """storyexport's notes (which engine narrates and why) and every warning; errors only with -q;
    -v adds each step. Libraries' own notes stay out unless they are warnings."""
    handler = _ConsoleHandler()
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, handlers=[handler],
                        format="%(message)s", force=True)
    ours = logging.DEBUG if verbose else logging.ERROR if quiet else logging.INFO
    logging.getLogger("storyexport").setLevel(ours)
    configure_libraries()


def _print_problems(problems, quiet: bool) -> None:
    for problem in problems:
        if problem.is_error or not quiet:
            style = "red" if problem.is_error else "yellow"
            console.print(str(problem), style=style, markup=False, soft_wrap=True)


def _guarded(command: Callable[..., int]) -> Callable[..., None]:
    """Run a command; turn our errors, interrupts and bugs into a message and an exit status."""
    @functools.wraps(command)
    def wrapper(*args, traceback: bool = False, quiet: bool = False, verbose: bool = False, **kwargs):
        _setup_logging(verbose, quiet)
        try:
            status = command(*args, quiet=quiet, **kwargs)
        except KeyboardInterrupt:
            console.print("interrupted; outputs already written are intact, nothing half-written is left")
            status = ExitCode.INTERRUPTED
        except SourceError as exc:
            _print_problems(exc.problems, quiet=False)
            console.print(f"{exc}; nothing was written", style="bold red")
            status = exc.exit_code
        except StoryExportError as exc:
            if traceback:
                console.print_exception()
            console.print(f"{exc.category}: {exc}", style="bold red", markup=False, soft_wrap=True)
            status = exc.exit_code
        except Exception as exc:  # a bug: say so, briefly, unless asked for the traceback
            if traceback:
                console.print_exception()
            console.print(f"internal error: {type(exc).__name__}: {exc}\n"
                          "This is a bug in storyexport; re-run with --traceback and report it.",
                          style="bold red", markup=False)
            status = ExitCode.BUILD_FAILED
        sys.exit(int(status))
    return wrapper


def _common(function: Callable) -> Callable:
    """Options every command takes."""
    for decorator in reversed([
        click.argument("sources", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--strict", is_flag=True, help="Treat warnings (e.g. alt text over 250 characters) as errors."),
        click.option("-q", "--quiet", is_flag=True, help="Print only errors."),
        click.option("-v", "--verbose", is_flag=True, help="Print every step."),
        click.option("--traceback", is_flag=True, help="On an error, print the Python traceback."),
    ]):
        function = decorator(function)
    return function


def _voice_option(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    """--voice es=voices/es_MX-claude-high.onnx, checked now (a bad path is a usage error)."""
    from .source.project import voice_file_problem  # YAML and the configuration reader: not for --help

    voices = []
    for value in values:
        lang, _, path = value.partition("=")
        if not path or not lang:
            raise click.BadParameter(f"{value!r}: write LANG=PATH, e.g. es=voices/es_MX-claude-high.onnx")
        if problem := language_problem(lang.strip()) or voice_file_problem(Path(path)):
            raise click.BadParameter(f"{value!r}: {problem}")
        voices.append((lang.strip(), Path(path)))
    return tuple(voices)


def _config_option():
    return click.option("--config", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
                        help="The project configuration (voices per language, the printer's profile, the "
                        f"accessibility declaration) to use instead of the {PROJECT_FILE} found in or beside "
                        "the stories folder. See docs/source-format.md.")


def _build_options(function: Callable) -> Callable:
    """Options of the commands that write outputs."""
    for decorator in reversed([
        click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("output"),
                     show_default=True, help="Folder for the outputs; each story gets <output>/<slug>/."),
        click.option("--lang", "languages", metavar="LANGS",
                     help="Only these languages, comma-separated (default: every language of the story)."),
        click.option("--tts", type=click.Choice(["auto", *ENGINES]), default="auto",
                     show_default=True, help="Narration engine. auto: gTTS when Google answers within 3 s, "
                     "else Piper (English), Kokoro (Spanish) or eSpeak NG."),
        click.option("--offline", is_flag=True, help="Never use the network (no gTTS)."),
        click.option("--no-narration", "narration", is_flag=True, flag_value=False, default=True,
                     help="Text-only EPUBs: no audio inside, the smallest download."),
        click.option("--overlay", type=click.Choice(OVERLAY_LEVELS), default=SENTENCE, show_default=True,
                     help="What the EPUB's read-aloud highlights: each sentence (most reading systems) or "
                     "each word as it is spoken (a slightly larger book; Thorium and Readium follow it)."),
        click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, show_default="number of cores",
                     help="Worker processes: stories, languages and sentences are built in parallel, "
                     "each worker keeping its voices loaded. 1: everything in this process."),
        click.option("--cluster", metavar="ADDRESS",
                     help="Build on a Ray cluster: ray://HOST:10001, HOST:PORT, or auto (RAY_ADDRESS). "
                     "One worker per CPU of the cluster; outputs and cache stay on this machine. "
                     "Needs `pip install storyexport[ray]` here and on every node."),
        click.option("--voice", "voices", metavar="LANG=PATH", multiple=True, callback=_voice_option,
                     help="Narrate LANG with this voice: a Piper .onnx (with its .onnx.json beside it) or a "
                     "Kokoro style (.npy, or voices.bin#name). Repeatable; over the configuration's voices. "
                     "Where voices come from: docs/narration.md."),
        _config_option(),
    ]):
        function = decorator(function)
    return function


class _Commands(click.Group):
    """The commands; a format's own command is made when it is asked for, so that a run imports
    only the builders it uses (and a run with nothing to do, none)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *FORMATS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in FORMATS and name not in self.commands:
            _format_command(name, get_builder(name).description)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             epilog=EPILOG)
@click.version_option(__version__, "--version", prog_name="storyexport")
def cli() -> None:
    """Turn a story (Markdown, photos, translation) into EPUB 3 with read-aloud, accessible
    HTML, print and tagged PDF, and narration.

    Each story is source/<slug>/story.md with its photos beside it. SOURCE is a story file or
    a folder of stories (default: source/).
    """


def _run_build(targets: list[str], sources: tuple[Path, ...], output: Path, languages: str | None,
               tts: str, offline: bool, jobs: int | None, cluster: str | None, strict: bool, quiet: bool,
               narration: bool = True, overlay: str = SENTENCE, voices: tuple[tuple[str, Path], ...] = (),
               config: Path | None = None) -> int:
    options = Options(tuple(l.strip() for l in (languages or "").split(",") if l.strip()),
                      tts, offline, strict, jobs or os.cpu_count() or 1, narration, cluster, overlay, voices, config)
    with _progress_display(quiet) as progress:
        result = build(list(sources), targets, output, options, progress)
    _print_problems(result.warnings, quiet)
    if not quiet:
        _print_summary(result, output)
    return ExitCode.BUILD_FAILED if result.failed else ExitCode.OK


class _TimeColumn(ProgressColumn):
    """Time spent on a task; for the catalog, the time left at the pace of the stories done so far."""

    def render(self, task: Task) -> Text:
        if task.fields.get("catalog"):
            if not task.completed or task.finished:
                return Text("")
            left = task.elapsed * (task.total - task.completed) / task.completed
            return Text(f"about {clock(left * 1000)} left", style="progress.remaining")
        return Text(clock((task.elapsed or 0) * 1000), style="progress.elapsed")


class _Display:
    """The progress display: a line per story and task while it runs (removed when the story is
    done, so a long catalog shows only the stories being built), and the catalog with its ETA."""

    def __init__(self, bar: Progress):
        self.bar = bar
        self.lines: dict[tuple[str, str], TaskID] = {}
        self.catalog: TaskID | None = None
        self.lock = threading.Lock()

    def started(self, stories: int) -> None:
        if stories > 1:
            self.catalog = self.bar.add_task(f"{stories} stories", total=stories, catalog=True)

    def step(self, story: str, task: str, done: int, total: int) -> None:
        with self.lock:
            if (story, task) not in self.lines:
                self.lines[(story, task)] = self.bar.add_task(f"{story} · {task}", total=total)
            self.bar.update(self.lines[(story, task)], completed=done, total=total)

    def finished(self, story: str) -> None:
        with self.lock:
            for key in [key for key in self.lines if key[0] == story]:
                self.bar.remove_task(self.lines.pop(key))
        if self.catalog is not None:
            self.bar.advance(self.catalog)


@contextlib.contextmanager
def _progress_display(quiet: bool) -> Iterator[_Display | None]:
    """The run's progress display on stderr, gone when the run ends; none when quiet."""
    if quiet:
        yield None
        return
    with Progress(*_progress_columns(), console=console, transient=True) as bar:
        yield _Display(bar)


def _progress_columns() -> tuple[ProgressColumn, ...]:
    """What a progress line shows: its story and task, a bar, done/total, time spent or left."""
    return TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _TimeColumn()


def _print_summary(result: RunResult, output: Path) -> None:
    """One table per story: format, language, file, size, status."""
    for story in dict.fromkeys(r.story for r in result.results):
        table = Table(title=f"{display_path(output / story)}/", title_justify="left", show_edge=False)
        for column in ("format", "lang", "file", "size", "status"):
            table.add_column(column, justify="right" if column == "size" else "left",
                             no_wrap=column in ("file", "size"), overflow="fold")
        for outcome in (r for r in result.results if r.story == story):
            if outcome.error:
                first_line = outcome.error.splitlines()[0]
                table.add_row(outcome.format, "", "", "", f"[red]failed (see above): {escape(first_line)}[/red]")
            for built in outcome.outputs:
                if built.format and built.format != TIMINGS.format:  # the outputs, not their parts
                    size = built.path.stat().st_size if built.path.exists() else 0
                    name = built.path.relative_to(output / story).as_posix()
                    status = ("[red]fails a check (see report.html)[/red]" if name in outcome.rejected
                              else "[green]ok[/green]")
                    table.add_row(outcome.format, built.lang or "", name, file_size(size), status)
        console.print(table)
    if result.workers:
        peaks = sorted((usage.peak_memory for usage in result.workers.values()), reverse=True)
        console.print(f"{len(peaks)} worker{'s' * (len(peaks) != 1)}, peak memory "
                      + ", ".join(f"{peak / 2**20:.0f} MiB" for peak in peaks), markup=False, soft_wrap=True)
    if result.retried:
        console.print(f"{result.retried} task{'s' * (result.retried != 1)} ran again after their worker was lost",
                      style="yellow", markup=False)


@cli.command("all", epilog=EPILOG)
@_common
@_build_options
@_guarded
def all_command(sources, **options) -> int:
    """Build every format of every story: audio, HTML, EPUB, PDF, manifest."""
    return _run_build(list(FORMATS), sources, **options)


def _format_command(name: str, description: str) -> None:
    @cli.command(name, help=f"Build only the {description}.", epilog=EPILOG)
    @_common
    @_build_options
    @_guarded
    def command(sources, **options) -> int:
        return _run_build([name], sources, **options)


@cli.command("listen", epilog=EPILOG)
@_common
@_build_options
@_guarded
def listen_command(sources, **options) -> int:
    """Listen to the narration: an offline speech recognizer transcribes it sentence by sentence.

    Builds the audio first if needed. Every sentence heard otherwise than written is listed in
    report.html and <slug>.<lang>.listening.json, with the words heard wrongly and a lexicon entry
    to correct them; report.json gives the word error rate per language. Transcripts are cached
    per sentence audio. Needs the extra: pip install 'storyexport[listen]'.
    """
    return _run_build(["audio", "listen"], sources, **options)


@cli.command("check", epilog=EPILOG)
@_common
@_config_option()
@_guarded
def check_command(sources, strict: bool, quiet: bool, config: Path | None = None) -> int:
    """Validate the sources only; print each problem as path:line: message.

    Checks each story, its pronunciation lexicons and the project configuration. Exit 2 when
    one has an error (or, with --strict, a warning); nothing is written.
    """
    stories, warnings = load_stories(list(sources), config)
    _print_problems(warnings, quiet)
    if not quiet:
        for story in stories:
            figures = len(story.articles[0].figures())
            count = sum(p.path == story.source for p in warnings)
            out.print(f"{display_path(story.source)}: ok ({', '.join(story.languages)}; "
                      f"{figures} figure{'s' * (figures != 1)}; {count} warning{'s' * (count != 1)})",
                      markup=False, soft_wrap=True)
    return ExitCode.BAD_INPUT if strict and warnings else ExitCode.OK


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="storyexport")
