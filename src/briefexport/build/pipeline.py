"""The build as a straight line: find sources, read, decide what is stale, render, write, record.

Each step is a function that can be tested alone. Every stale output of every article is one
job, and the jobs run in a process pool, so even one article's outputs render side by side; a
failure in one never stops the others, and every good output is written atomically.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from briefexport import __version__
from briefexport.build.atomic import write_atomic
from briefexport.errors import BriefExportError, ResourceError, one_line, shown
from briefexport.model import Article, Notice
from briefexport.settings import Settings
from briefexport.weasy.hyphenation import declared_language
from briefexport.writers import REGISTRY, lookup, output_path, writer

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

MANIFEST = ".briefexport-manifest.json"
MANIFEST_CAP = 50_000_000
PR_SET_PDEATHSIG = 1
LOCK = ".briefexport.lock"
DEFAULT_FORMATS = ("pdf", "memo", "summary")


@dataclass(frozen=True)
class OutputResult:
    """One output of one article: where it is, whether it was rebuilt, and its fingerprint."""

    format: str
    path: Path
    fingerprint: str
    built: bool
    pages: int = 0


@dataclass
class ArticleResult:
    """Everything that happened to one source."""

    source: Path
    outputs: list[OutputResult] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    inputs: tuple[Path, ...] = ()
    """The local files the source references (images), as the manifest records them."""

    @property
    def status(self) -> str:
        """failed, built or skipped."""
        if self.error:
            return "failed"
        return "built" if any(o.built for o in self.outputs) else "skipped"


@dataclass
class BuildReport:
    """The results of a build, in source order."""

    results: list[ArticleResult]
    warnings: list[str] = field(default_factory=list)
    """About the build as a whole (a manifest set aside or not recorded)."""

    @property
    def failed(self) -> list[ArticleResult]:
        """The articles that did not build."""
        return [r for r in self.results if r.error]

    @property
    def ok(self) -> bool:
        """True when every requested output was written or already up to date."""
        return not self.failed


SOURCE_SUFFIXES = (".md", ".markdown")
RESOURCE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".yaml", ".yml", ".bib")
"""Files an article's folder holds beside its sources: images, data, bibliographies."""


def discover(source: Path) -> list[Path]:
    """The source files under ``source`` (a file or a folder), sorted; hidden files skipped."""
    if source.is_dir():
        return sorted(
            p for p in _visible(source) if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
        )
    if source.exists() or source.suffix == ".md":
        return [source]
    raise BriefExportError(f"{source}: no such source file or folder (give a .md file or a folder)")


def not_sources(source: Path) -> list[Path]:
    """The files of a source folder that are neither sources nor an article's resources."""
    if not source.is_dir():
        return []
    known = SOURCE_SUFFIXES + RESOURCE_SUFFIXES
    return sorted(p for p in _visible(source) if p.is_file() and p.suffix.lower() not in known)


def _visible(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if not p.name.startswith((".", "_"))]


_FILE_HASHES: dict[tuple[int, int, int, int], str] = {}


def file_hash(path: Path, roots: Sequence[Path] = ()) -> str:
    """SHA-256 of a regular file, read from its one open handle and cached per (device, inode,
    mtime, size) within one process. With ``roots`` (an article's resources) the file is opened
    from the root that holds it down, following no link. A file that cannot be read, or may
    not be, hashes as "missing" (its reader reports why)."""
    from briefexport.sandbox.files import open_inside, open_regular, root_of

    try:
        if roots:
            root = root_of(path, roots)
            if root is None:
                return "missing"
            stream = open_inside(path, root)
        else:
            stream = open_regular(path)
        with stream:
            stat = os.fstat(stream.fileno())
            key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if key not in _FILE_HASHES:
                _FILE_HASHES[key] = hashlib.file_digest(stream, "sha256").hexdigest()
    except (BriefExportError, OSError, ValueError):
        return "missing"
    return _FILE_HASHES[key]


def resource_roots(source: Path, settings: Settings) -> tuple[Path, ...]:
    """Where an article's local resources may come from: its folder and the project's."""
    return (source.parent, settings.templates, settings.styles)


def referenced_files(article: Article, settings: Settings) -> list[Path]:
    """The local files the article reads that the sandbox would open (inside the article's
    folder or the project, regular files): its bibliography and citation style (already read
    through the sandbox) and the images the body names. What the manifest records and hashes;
    a refused image is never read or hashed here, its reader reports it."""
    from briefexport.sandbox.files import local_path, root_of

    base = article.folder.resolve().as_uri() + "/"
    roots = resource_roots(article.path, settings)
    found = list(article.references.files) if article.references else []
    for node in article.body.walk():
        src = str(node.attrs.get("src", "")) if node.type == "image" else ""
        if not src or src.startswith("data:"):
            continue
        try:
            url = urljoin(base, src)
            path = local_path(url) if urlsplit(url).scheme == "file" else None
            if path and root_of(path, roots) and path.is_file():
                found.append(path)
        except (OSError, ValueError):
            continue
    return list(dict.fromkeys(found))


def fingerprint(source: Path, inputs: Sequence[Path], name: str, settings: Settings) -> str:
    """A hash of everything one output depends on: the source, the files it references
    (``inputs``, opened as the sandbox opens them), the format's project files, the version,
    the flags and the build date."""
    digest = hashlib.sha256()
    parts = [
        __version__,
        name,
        json.dumps(settings.flags(), sort_keys=True),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        file_hash(source),
    ]
    roots = resource_roots(source, settings)
    for path in inputs:
        parts += [str(path), file_hash(path, roots)]
    for path in REGISTRY[name].dependencies(settings):
        parts += [str(path), file_hash(path)]
    digest.update("\0".join(parts).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Recorded:
    """What the manifest remembers of one output: its fingerprint and page count, and what
    reading its source found (the files it references, its warnings), so that a source whose
    bytes have not changed need not be parsed again to know its outputs are fresh."""

    fingerprint: str
    pages: int = 0
    source: str = ""
    format: str = ""
    inputs: tuple[str, ...] = ()
    notices: tuple[tuple[int, str], ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Recorded:
        """A record as the manifest holds it; ValueError when any field is not what this
        module writes (the manifest is validated, never trusted)."""
        if not isinstance(data, dict):
            raise ValueError("not a mapping")
        record = cls(
            data["fingerprint"],
            data.get("pages", 0),
            data.get("source", ""),
            data.get("format", ""),
            tuple(data.get("inputs", ())),
            tuple(tuple(notice) for notice in data.get("notices", ())),
        )
        texts = (record.fingerprint, record.source, record.format, *record.inputs)
        if not (
            all(isinstance(text, str) for text in texts)
            and type(record.pages) is int
            and 0 <= record.pages < 1_000_000
            and all(
                len(n) == 2 and type(n[0]) is int and isinstance(n[1], str) for n in record.notices
            )
        ):
            raise ValueError("a field of the wrong type")
        return record

    def to_json(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "pages": self.pages,
            "source": self.source,
            "format": self.format,
            "inputs": list(self.inputs),
            "notices": [list(notice) for notice in self.notices],
        }


def read_manifest(out: Path, warnings: list[str] | None = None) -> dict[str, Recorded]:
    """The recorded outputs, keyed by path relative to ``out``; none when there is no
    manifest. A manifest that cannot be read or holds anything this module would not write
    is set aside (renamed ``*.corrupt``, said in ``warnings``) and everything is rebuilt."""
    path = out / MANIFEST
    try:
        with path.open("rb") as stream:
            data = json.loads(stream.read(MANIFEST_CAP + 1).decode("utf-8"))
        return {str(k): Recorded.from_json(v) for k, v in data["outputs"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        aside = path.with_name(MANIFEST + ".corrupt")
        try:
            path.replace(aside)
        except OSError:
            aside = path
        if warnings is not None:
            warnings.append(
                f"{shown(path)}: unreadable manifest ({type(exc).__name__}) set aside as "
                f"{shown(aside)}; every output is rebuilt"
            )
        return {}


Outputs = dict[str, dict[str, tuple[str, Recorded]]]
"""The manifest by source: resolved source path → format → (output key, record)."""


def by_source(manifest: dict[str, Recorded]) -> Outputs:
    """Index the manifest by the source each output was built from."""
    index: Outputs = {}
    for key, recorded in manifest.items():
        if recorded.source and recorded.format:
            index.setdefault(recorded.source, {})[recorded.format] = (key, recorded)
    return index


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder's manifest, for concurrent builds."""
    out.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    handle = os.open(out / LOCK, flags, 0o644)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def record(out: Path, results: Sequence[ArticleResult], warnings: list[str]) -> None:
    """Merge this build's records into the manifest, atomically and under the lock; a
    manifest that would not change is not rewritten."""
    with locked(out):
        manifest = read_manifest(out, warnings)
        before = dict(manifest)
        for result in results:
            notices = tuple((n.line, n.message) for n in result.notices if n.path == result.source)
            for output in result.outputs:
                manifest[output.path.relative_to(out).as_posix()] = Recorded(
                    output.fingerprint,
                    output.pages,
                    str(result.source.resolve()),
                    output.format,
                    tuple(str(path) for path in result.inputs),
                    notices,
                )
        if manifest == before:
            return
        outputs = {key: r.to_json() for key, r in sorted(manifest.items())}
        data = {"version": __version__, "outputs": outputs}
        write_atomic(out / MANIFEST, (json.dumps(data, indent=1) + "\n").encode())


@dataclass
class Plan:
    """What one source needs: the formats to render and the outputs already up to date."""

    result: ArticleResult
    stale: list[str] = field(default_factory=list)
    language: str = ""
    """The language the source declares: which hyphenation patterns to load ahead."""


def plan_article(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    force: bool,
    recorded_outputs: Outputs,
) -> Plan:
    """Split a source's outputs into stale and fresh from bytes and the manifest alone, as
    make and ninja trust their depfiles: an output is fresh when its recorded fingerprint,
    recomputed over the files recorded as its inputs, still holds. Nothing is parsed here:
    a stale output's source is parsed once, by the worker that renders it."""
    plan = Plan(ArticleResult(source))
    recorded = {} if force else recorded_outputs.get(str(source.resolve()), {})
    for name in formats:
        key, record = recorded.get(name, ("", Recorded("")))
        inputs = [Path(path) for path in record.inputs]
        if (
            key == f"{source.stem}/{source.stem}{REGISTRY[name].suffix}"  # a key names no path
            and (out / key).exists()
            and record.fingerprint == fingerprint(source, inputs, name, settings)
        ):
            plan.result.outputs.append(
                OutputResult(name, out / key, record.fingerprint, False, record.pages)
            )
            plan.result.inputs = tuple(inputs)
            plan.result.notices = [Notice(source, line, text) for line, text in record.notices]
        else:
            plan.stale.append(name)
    if plan.stale:
        plan.language = declared_language(source)
    return plan


def load(source: Path, styles: Path | None = None) -> Article:
    """:func:`read_article` (``styles`` holds the default citation style), remembered for the
    last few sources by path, modification time and size (like :func:`file_hash`), failures
    too: a worker rendering several outputs of one article parses it once."""
    try:
        stat = source.stat()
    except OSError:
        return _load(source, 0, 0, styles).read()
    return _load(source, stat.st_mtime_ns, stat.st_size, styles).read()


@dataclass(frozen=True)
class Loaded:
    """A parsed source, or the error reading it gave."""

    article: Article | None
    error: BriefExportError | None

    def read(self) -> Article:
        if self.error:
            raise self.error
        assert self.article
        return self.article


@lru_cache(maxsize=8)
def _load(source: Path, mtime: int, size: int, styles: Path | None) -> Loaded:
    from briefexport.source.reader import (
        read_article,  # YAML and markdown-it: not needed to find nothing stale
    )

    try:
        return Loaded(read_article(source, styles), None)
    except BriefExportError as exc:
        return Loaded(None, exc)


@dataclass(frozen=True)
class Job:
    """One stale output of one article: the unit of work, so that one article's outputs
    render side by side on several cores."""

    plan: int
    source: Path
    format: str
    language: str


@dataclass(frozen=True)
class Done:
    """What became of a job: the output rendered (not yet written), or the error."""

    plan: int
    format: str
    output: OutputResult | None
    data: bytes
    notices: tuple[Notice, ...]
    error: str
    seconds: float
    inputs: tuple[Path, ...] = ()


def render_job(job: Job, out: Path, settings: Settings) -> Done:
    """Render one output in memory, within the article's time and memory budgets. Never
    raises: every failure becomes a located error for this article alone."""
    from briefexport.sandbox import budget

    started = time.perf_counter()
    notices: tuple[Notice, ...] = ()
    inputs: tuple[Path, ...] = ()
    output, data, error = None, b"", ""
    where = f"{shown(job.source)}:1: {job.format}"
    try:
        with (
            budget.deadline(settings.time_budget, budget.BudgetExceeded),
            budget.memory_cap(settings.memory_budget * 1_000_000),
        ):
            article = load(job.source, settings.styles)
            inputs = tuple(referenced_files(article, settings))
            key = fingerprint(article.path, inputs, job.format, settings)
            produced = writer(job.format).render(article, settings)
        notices, data = (*article.warnings, *produced.notices), produced.data
        if settings.strict and notices:
            raise ResourceError(f"{notices[0]} (--strict turns warnings into errors)")
        path = output_path(out, article, job.format)
        output = OutputResult(job.format, path, key, built=True, pages=produced.pages)
    except BriefExportError as exc:
        error = str(exc)
    except budget.BudgetExceeded:
        error = (
            f"{where} took over {settings.time_budget:g} s, the time budget "
            "(split the article, or raise --time-budget)"
        )
    except MemoryError:
        error = (
            f"{where} needed over {settings.memory_budget:,} MB, the memory budget "
            "(look for huge tables or images, or raise --memory-budget)"
        )
    except Exception as exc:  # a library's bug on hostile input must not cost the batch
        error = (
            f"{where} could not be rendered: {type(exc).__name__}: {one_line(str(exc))} "
            "(a bug: please report it with the source)"
        )
    seconds = time.perf_counter() - started
    return Done(job.plan, job.format, output, data, notices, error, seconds, inputs)


def jobs_of(plans: Sequence[Plan]) -> list[Job]:
    """Every stale output, the biggest sources first, so that the last jobs to start are short
    ones and no core idles at the end of a batch; one article's jobs stay together."""
    jobs = [
        Job(index, plan.result.source, name, plan.language)
        for index, plan in enumerate(plans)
        for name in plan.stale
    ]
    return sorted(jobs, key=lambda job: -source_size(job.source))


def source_size(path: Path) -> int:
    """A source's size in bytes, 0 if it has gone: the estimate of a job's cost."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def finish(plan: Plan, done: Sequence[Done], formats: Sequence[str], out: Path) -> ArticleResult:
    """Fold an article's finished jobs into its result, in the order the formats were asked,
    and write its outputs when every one of them rendered."""
    result = plan.result
    ordered = sorted(done, key=lambda d: formats.index(d.format))
    for item in ordered:
        result.notices.extend(n for n in item.notices if n not in result.notices)
        result.seconds += item.seconds
        result.error = result.error or item.error
        result.inputs = result.inputs or item.inputs
    result.notices.sort(key=lambda notice: notice.line)  # in reading order, as check lists them
    # An article's outputs are written together or not at all, except that a summary too long
    # for its page does not hold back the PDF and memo that rendered (its error says so).
    if not any(item.error for item in ordered if item.format != "summary"):
        try:
            for item in ordered:
                if item.output:
                    write_inside(out, item.output.path, item.data)
                    result.outputs.append(item.output)
        except (OSError, BriefExportError) as exc:
            result.error = f"{shown(result.source)}:1: outputs not written: {written(exc)}"
    result.outputs.sort(key=lambda o: formats.index(o.format))
    return result


def write_inside(out: Path, path: Path, data: bytes) -> None:
    """Write an output atomically, only if its folder is a real folder inside ``out`` (a
    link there, to anywhere, is refused rather than followed)."""
    folder = path.parent
    if folder.parent != out or folder.name in ("", ".", ".."):
        raise BriefExportError(f"{shown(path)} is not inside {shown(out)}")
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise BriefExportError(f"{shown(folder)} is a link or a file, not a folder")
    write_atomic(path, data)  # which replaces a link at ``path`` rather than follow it


def written(exc: BaseException) -> str:
    """Why writing failed, in one line (disk full, read-only, name too long...)."""
    if isinstance(exc, OSError):
        where = f" ({shown(exc.filename)})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return str(exc)


Progress = Callable[[ArticleResult], None]


def build(
    sources: Sequence[Path],
    out: Path,
    settings: Settings,
    formats: Sequence[str] = DEFAULT_FORMATS,
    *,
    force: bool = False,
    jobs: int = 0,
    on_result: Progress | None = None,
) -> BuildReport:
    """Build every source; ``jobs`` 0 means one worker per core. Writers load only when needed."""
    if settings.profile == "press" and "pdf" in formats:
        formats = [*formats, "press"]
    for name in formats:
        lookup(name)
    warnings: list[str] = []
    recorded_outputs = by_source(read_manifest(out, warnings))
    plans = [plan_article(s, out, settings, formats, force, recorded_outputs) for s in sources]
    work = jobs_of(plans)
    waiting = {job.plan for job in work}
    for index, plan in enumerate(plans):
        if index not in waiting and on_result:
            on_result(plan.result)
    done: dict[int, list[Done]] = {index: [] for index in waiting}
    for item in render(work, out, settings, jobs):
        done[item.plan].append(item)
        if len(done[item.plan]) == len(plans[item.plan].stale):
            result = finish(plans[item.plan], done[item.plan], formats, out)
            if on_result:
                on_result(result)
    results = [plan.result for plan in plans]
    if work:
        try:
            record(out, results, warnings)
        except (OSError, BriefExportError) as exc:
            warnings.append(f"{shown(out / MANIFEST)}: not recorded: {written(exc)}")
    return BuildReport(results, warnings)


def render(work: Sequence[Job], out: Path, settings: Settings, jobs: int) -> Iterator[Done]:
    """Each job's outcome as it finishes: in this process for one worker, else in workers
    forked once WeasyPrint is imported and the hyphenation patterns loaded (:func:`prepare`)."""
    if not work:
        return
    workers = min(jobs or os.cpu_count() or 1, len(work))
    if workers <= 1:
        warm_up((job.format for job in work), settings)
        yield from (render_job(job, out, settings) for job in work)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("fork")
    early = prepare(work, out, settings, context)
    yield from early
    started = {(done.plan, done.format) for done in early}
    pending = [job for job in work if (job.plan, job.format) not in started]
    lost: list[Job] = []
    with ProcessPoolExecutor(workers, mp_context=context, initializer=bound_to_parent) as pool:
        futures = {pool.submit(render_job, job, out, settings): job for job in pending}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
    yield from (alone(job, out, settings, context) for job in lost)


def alone(job: Job, out: Path, settings: Settings, context: BaseContext) -> Done:
    """A job whose worker died (killed, or crashed in C code) run again in a process of its
    own, so that only the job that kills its process fails, with a located error."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, mp_context=context, initializer=bound_to_parent) as pool:
        try:
            return pool.submit(render_job, job, out, settings).result()
        except BrokenProcessPool:
            error = (
                f"{shown(job.source)}:1: {job.format}: the process rendering it died "
                "(out of memory, or a crash in a library; try it alone with --jobs 1)"
            )
            return Done(job.plan, job.format, None, b"", (), error, 0.0)


def bound_to_parent() -> None:
    """A worker's first act: die with the build (Linux ``PR_SET_PDEATHSIG``), so a killed
    build leaves no worker behind, and take SIGTERM and SIGINT's default meaning back."""
    import ctypes
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the build, which stops us
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown must do
        return
    if os.getppid() == 1:  # the build died before prctl took effect
        os._exit(1)


def prepare(work: Sequence[Job], out: Path, settings: Settings, context: BaseContext) -> list[Done]:
    """Load what the workers share before forking them, and keep the other core busy meanwhile.

    This process imports WeasyPrint and parses the stylesheets (registering the brand's fonts);
    meanwhile a helper process parses the hyphenation patterns of the articles' languages (see
    :mod:`.hyphenation`), then renders jobs that need no WeasyPrint (memos) until the import
    is done; their outcomes are returned. The workers fork after both, so the helper is gone
    before they start. A process that has WeasyPrint already (``watch``) skips all this.
    """
    laid_out = {job.format for job in work if REGISTRY[job.format].template}
    if not laid_out or "weasyprint" in sys.modules:
        return []
    from concurrent.futures import ProcessPoolExecutor

    from briefexport.weasy import hyphenation

    languages = sorted({job.language for job in work if job.format in laid_out})
    light = [job for job in work if job.format not in laid_out]
    with ProcessPoolExecutor(1, mp_context=context, initializer=bound_to_parent) as helper:
        parsed = helper.submit(hyphenation.parse, languages)
        early = [helper.submit(render_job, job, out, settings) for job in light]
        warm_up(laid_out, settings)
        for future in early:
            future.cancel()  # those not yet started go to the workers
        if parsed.exception() is None:  # else the workers parse the patterns themselves
            hyphenation.install(parsed.result())
        # a job that killed the helper goes to the workers again, with those it took along
        return [f.result() for f in early if not f.cancelled() and f.exception() is None]


def warm_up(formats: Iterable[str], settings: Settings) -> None:
    """Import WeasyPrint (the heaviest import by far) and parse the stylesheets of the formats
    laid out with it, which registers the brand's fonts: once, before any fork, so that every
    worker shares them. Other writers load in the worker that first needs them: importing
    python-docx here would delay every worker, the brief's too."""
    laid_out = sorted({name for name in formats if REGISTRY[name].template})
    if not laid_out:
        return
    with sonames_only():
        from briefexport.weasy.engine import stylesheets
    for name in laid_out:
        stylesheets(settings, REGISTRY[name].styles)


@contextmanager
def sonames_only() -> Iterator[None]:
    """Let cffi load C libraries by their sonames without ``ctypes.util.find_library``.

    WeasyPrint tries several names for each of its libraries (``libgobject-2.0-0``,
    ``gobject-2.0``, ..., ``libgobject-2.0.so.0``); cffi hands every name dlopen cannot load
    to ``find_library``, which on Linux runs ``ldconfig``, ``gcc`` and ``ld`` in subprocesses:
    22 searches, about half of WeasyPrint's import time. Answering "not found" makes cffi move
    on to the next name, and each list ends with the soname the dynamic loader finds itself.
    """
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search
