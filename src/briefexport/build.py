"""The build as a straight line: find sources, read, decide what is stale, render, write, record.

Each step is a function that can be tested alone. Articles build in a process pool; a failure
in one never stops the others, and every good output is written atomically.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import urljoin

from .atomic import write_atomic
from .errors import BriefExportError, ResourceError
from .fetch import local_path
from .model import Article, Notice
from .settings import Settings
from .source import read_article
from .writers import REGISTRY, lookup, output_path, writer

MANIFEST = ".briefexport-manifest.json"
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

    @property
    def failed(self) -> list[ArticleResult]:
        """The articles that did not build."""
        return [r for r in self.results if r.error]

    @property
    def ok(self) -> bool:
        """True when every requested output was written or already up to date."""
        return not self.failed


def discover(source: Path) -> list[Path]:
    """The source files under ``source`` (a file or a folder), sorted; hidden files skipped."""
    if source.is_dir():
        return sorted(p for p in source.glob("*.md") if not p.name.startswith((".", "_")))
    if source.exists() or source.suffix == ".md":
        return [source]
    raise BriefExportError(f"{source}: no such source file or folder (give a .md file or a folder)")


def package_version() -> str:
    """The installed briefexport version (part of every fingerprint)."""
    try:
        return version("briefexport")
    except PackageNotFoundError:
        return "0+unknown"


_FILE_HASHES: dict[tuple[Path, int, int], str] = {}


def file_hash(path: Path) -> str:
    """SHA-256 of a file, cached per (path, mtime, size) within one process."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _FILE_HASHES:
        _FILE_HASHES[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _FILE_HASHES[key]


def referenced_files(article: Article) -> list[Path]:
    """Local files the body points at (images), resolved relative to the source."""
    base = article.folder.resolve().as_uri() + "/"
    files = []
    for node in article.body.walk():
        src = str(node.attrs.get("src", "")) if node.type == "image" else ""
        if src and "://" not in src and not src.startswith("data:"):
            files.append(local_path(urljoin(base, src)))
    return files


def fingerprint(article: Article, name: str, settings: Settings) -> str:
    """A hash of everything one output depends on."""
    digest = hashlib.sha256()
    parts = [
        package_version(),
        name,
        json.dumps(settings.flags(), sort_keys=True),
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        file_hash(article.path),
    ]
    for path in [*referenced_files(article), *REGISTRY[name].dependencies(settings)]:
        parts += [str(path), file_hash(path)]
    digest.update("\0".join(parts).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Recorded:
    """What the manifest remembers of one output."""

    fingerprint: str
    pages: int = 0


def read_manifest(out: Path) -> dict[str, Recorded]:
    """The recorded outputs, keyed by path relative to ``out``; unreadable means empty."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {
            str(k): Recorded(str(v["fingerprint"]), int(v.get("pages", 0)))
            for k, v in data["outputs"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder's manifest, for concurrent builds."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / LOCK).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def record(out: Path, results: Sequence[ArticleResult]) -> None:
    """Merge this build's fingerprints into the manifest, atomically and under the lock."""
    with locked(out):
        manifest = read_manifest(out)
        for result in results:
            for output in result.outputs:
                manifest[output.path.relative_to(out).as_posix()] = Recorded(
                    output.fingerprint, output.pages
                )
        outputs = {
            key: {"fingerprint": r.fingerprint, "pages": r.pages}
            for key, r in sorted(manifest.items())
        }
        data = {"version": package_version(), "outputs": outputs}
        write_atomic(out / MANIFEST, (json.dumps(data, indent=1) + "\n").encode())


@dataclass
class Plan:
    """What one source needs: the outputs to render and those already up to date."""

    result: ArticleResult
    stale: dict[str, str] = field(default_factory=dict)


def plan_article(
    source: Path,
    out: Path,
    settings: Settings,
    formats: Sequence[str],
    force: bool,
    manifest: dict[str, Recorded],
) -> Plan:
    """Read a source and split its outputs into stale and fresh, without importing a writer."""
    plan = Plan(ArticleResult(source))
    started = time.perf_counter()
    try:
        article = read_article(source)
    except BriefExportError as exc:
        plan.result.error = str(exc)
        return plan
    plan.result.notices.extend(article.warnings)
    for name in formats:
        path = output_path(out, article, name)
        key = fingerprint(article, name, settings)
        recorded = manifest.get(path.relative_to(out).as_posix())
        if force or recorded is None or recorded.fingerprint != key or not path.exists():
            plan.stale[name] = key
        else:
            plan.result.outputs.append(OutputResult(name, path, key, False, recorded.pages))
    plan.result.seconds = time.perf_counter() - started
    return plan


def render_plan(plan: Plan, out: Path, settings: Settings) -> ArticleResult:
    """Render and atomically write a plan's stale outputs. Never raises a BriefExportError."""
    result = plan.result
    started = time.perf_counter()
    try:
        article = read_article(result.source)
        for name, key in plan.stale.items():
            produced = writer(name).render(article, settings)
            result.notices.extend(produced.notices)
            if settings.strict and produced.notices:
                raise ResourceError(f"{produced.notices[0]} (--strict turns warnings into errors)")
            path = output_path(out, article, name)
            write_atomic(path, produced.data)
            result.outputs.append(OutputResult(name, path, key, built=True, pages=produced.pages))
    except BriefExportError as exc:
        result.error = str(exc)
    result.seconds += time.perf_counter() - started
    return result


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
    manifest = read_manifest(out)
    plans = [plan_article(s, out, settings, formats, force, manifest) for s in sources]
    if settings.strict:
        for plan in plans:
            if plan.result.notices and not plan.result.error:
                plan.result.error = (
                    f"{plan.result.notices[0]} (--strict turns warnings into errors)"
                )
                plan.stale.clear()
    pending = [p for p in plans if p.stale and not p.result.error]
    for plan in plans:
        if plan not in pending and on_result:
            on_result(plan.result)
    workers = min(jobs or os.cpu_count() or 1, len(pending))
    if workers <= 1:
        for plan in pending:
            render_plan(plan, out, settings)
            if on_result:
                on_result(plan.result)
    else:
        warm_up(formats)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {pool.submit(render_plan, plan, out, settings): plan for plan in pending}
            for future in as_completed(futures):
                plan = futures[future]
                plan.result = future.result()
                if on_result:
                    on_result(plan.result)
    results = [plan.result for plan in plans]
    if pending:
        record(out, results)
    return BuildReport(results)


def warm_up(formats: Sequence[str]) -> None:
    """Import the writers (and WeasyPrint) once, before forking, so workers start warm."""
    for name in formats:
        writer(name)
