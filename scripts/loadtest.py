"""Load and fault test: Locust respondents over real HTTP, gunicorn on PostgreSQL.

    scripts/with-postgres .venv/bin/python scripts/loadtest.py [--respondents 200]
        [--concurrency 20] [--fault] [--quiet]

Starts the site under gunicorn on a free loopback port in production mode,
against the PostgreSQL database that DATABASE_URL names, and sends N
respondents through the whole questionnaire (landing, start, every step,
results) with their own cookies and CSRF tokens: the Locust users of
scripts/locustfile.py, run here as a library, each answering the
questionnaire again and again as a new person until N have. Then it checks
that there was no 5xx and that the database holds exactly N completed
submissions with every answer each respondent posted, and prints throughput
and latency per page. The baseline is a static file served by WhiteNoise,
measured in the same run, so the ratios mean something on a shared, noisy
machine.

With --fault it restarts PostgreSQL in the middle of the run (it needs the
MLFIT_PG_* variables that scripts/with-postgres exports) and checks that
respondents saw the error page rather than a traceback, that the site serves
again without restarting gunicorn, and that no step was ever half saved.

Exit status: 0 when every check passed, 1 when one failed, 2 when the script
cannot run (no PostgreSQL, gunicorn missing, the server would not start).
"""

# Locust runs on gevent, which must patch the standard library before anything uses it.
from gevent import monkey

monkey.patch_all()

import argparse
import csv
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import gevent

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journeys import BASELINE, Sample, check_database, latency_table, step_problems, stored_answers
from locustfile import RunState, respondents
from servers import (
    Server,
    SetupError,
    log_summary,
    prepare_site,
    restart_postgres,
    server_environment,
)


class LoadRun:
    """One run: its options, the respondents' state, and where its phases begin."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.state = RunState(
            journeys_each=None,  # a user answers again and again, as a new person each time
            think=(0.0, 0.0),  # no pause between pages: the run measures the site
            retry_for=args.retry_for if args.fault else 0.0,
            retry_pause=args.retry_pause,
            bad_request_fails=args.fault,
            own_addresses=False,  # the limits per client are lifted (server_environment)
            seed=args.seed,
        )
        self.started_at = None  # the database's notion of "created by this run"
        # The first respondents go alone, one after the other: page costs without queueing.
        self.alone = min(args.alone, args.respondents // 4)
        self.load_from = 0  # samples before this index were taken alone

    def say(self, text: str) -> None:
        if not self.args.quiet:
            print(text, flush=True)


# -- The fault: restart PostgreSQL in the middle of the run ------------------------------


@dataclass
class Fault:
    issued: float = 0.0  # pg_ctl asked to stop (or restart)
    back: float = 0.0  # pg_ctl returned with the server accepting connections
    snapshot_problems: list[str] = field(default_factory=list)
    snapshot_answers: int = 0
    workers_before: set[int] = field(default_factory=set)
    error: str = ""


def inject_fault(run: LoadRun, fault: Fault, server: Server) -> None:
    """Wait until part of the run is done, restart PostgreSQL, check the database at once.

    A greenlet: the check reads the database without yielding, so no respondent
    posts anything between the read and the look at what they posted.
    """
    from django.db import connections

    state, args = run.state, run.args
    try:
        wanted = run.alone + max(1, int(args.fault_at * (args.respondents - run.alone)))
        while state.finished < wanted and not state.stopped:
            gevent.sleep(0.05)
        if state.stopped:
            return
        fault.workers_before = server.workers()
        run.say(f"fault: restarting PostgreSQL after {state.finished} respondents finished")
        fault.issued = time.perf_counter()
        restart_postgres(args.outage)
        fault.back = time.perf_counter()
        run.say(f"fault: PostgreSQL is back after {fault.back - fault.issued:.2f} s")
        # Whatever the killed requests left behind must be whole steps.
        answers = stored_answers(run.started_at)
        fault.snapshot_answers = sum(len(values) for values in answers.values())
        fault.snapshot_problems = step_problems(state.journeys, answers, final=False)
    except Exception as error:
        fault.error = repr(error)
        state.stopped = True
    finally:
        connections.close_all()


def fault_findings(run: LoadRun, fault: Fault, server: Server) -> tuple[list[str], list[str]]:
    """Return (problems, figures) of the fault: when errors happened and who recovered."""
    args, journeys, samples = run.args, run.state.journeys, run.state.samples
    problems = list(fault.snapshot_problems)
    if fault.error or not fault.back:
        return [*problems, f"the fault could not be injected: {fault.error or 'not reached'}"], []
    window_end = fault.back + args.grace
    failed = [s for s in samples if s.failed]
    outside = [s for s in failed if s.end < fault.issued or s.start > window_end]
    seen = [s for s in failed if not (s.end < fault.issued or s.start > window_end)]
    not_pages = [s for s in failed if not s.is_error_page]
    if not seen:
        problems.append("no respondent met the outage: it was too short or came too late")
    for sample in outside[:5]:
        problems.append(
            f"error outside the outage: {sample.kind} {sample.path} -> {sample.status or sample.error} "
            f"{sample.start - fault.back:+.2f} s after PostgreSQL was back"
        )
    for sample in not_pages[:5]:
        problems.append(
            f"not the error page while down: {sample.kind} {sample.path} -> "
            f"{sample.status or ''} {sample.error}"
        )
    database_pages = [s for s in samples if s.kind != BASELINE]
    recovered = [s.end for s in database_pages if not s.failed and s.start >= fault.back]
    recovery = min(recovered) - fault.back if recovered else float("nan")
    if not recovered:
        problems.append("no page was served after PostgreSQL came back")
    later = [j for j in journeys if j.first_request and j.first_request > window_end]
    later_ok = [j for j in later if j.completed and not j.errors]
    if not later_ok:
        problems.append(
            f"no respondent who started after the outage finished cleanly ({len(later)} started)"
        )
    workers_after = server.workers()
    if workers_after != fault.workers_before:
        problems.append(
            f"gunicorn's workers changed during the run: {sorted(fault.workers_before)} -> "
            f"{sorted(workers_after)}"
        )
    retried = [j for j in journeys if j.errors]
    statuses = Counter(str(s.status or "no answer") for s in failed)
    figures = [
        f"PostgreSQL down (pg_ctl {'restart' if args.outage <= 0 else 'stop, start'}): "
        f"{fault.back - fault.issued:.2f} s",
        f"errors seen: {len(failed)} ({', '.join(f'{n} x {k}' for k, n in statuses.items())})"
        + (
            f", from {min(s.start for s in seen) - fault.issued:+.2f} s to "
            f"{max(s.end for s in seen) - fault.issued:+.2f} s after the restart began"
            if seen
            else ""
        ),
        f"error pages: {len(failed) - len(not_pages)} of {len(failed)} were the project's "
        "error page without a traceback",
        f"time to recover: first page served {recovery:.3f} s after PostgreSQL was back; "
        f"{sum(1 for s in failed if s.start >= fault.back)} errors in requests sent after that "
        "(stale database connections would show here)",
        f"respondents who met the outage and finished after reloading: "
        f"{sum(1 for j in retried if j.completed)} of {len(retried)}"
        f" ({sum(1 for j in journeys if j.finished_after_lost_answer)} had their last "
        "step saved by the lost request and went to their results link)",
        f"respondents who started after the outage and finished with no error: "
        f"{len(later_ok)} of {len(later)}",
        f"database right after the restart: {fault.snapshot_answers} answers, "
        f"{len(fault.snapshot_problems)} half-written steps",
        f"gunicorn: same master and the same {len(workers_after)} workers throughout"
        if workers_after == fault.workers_before
        else "gunicorn: workers were replaced",
    ]
    return problems, figures


def write_csv(path: Path, samples: list[Sample], fault: Fault | None) -> None:
    """Write one row per request; times in seconds from the first request (or the fault)."""
    zero = fault.issued if fault and fault.issued else min(s.start for s in samples)
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["kind", "method", "path", "start", "seconds", "status", "error"])
        for s in sorted(samples, key=lambda s: s.start):
            writer.writerow(
                [s.kind, s.method, s.path, f"{s.start - zero:.4f}", f"{s.seconds:.4f}"]
                + [s.status or "", s.error]
            )


# -- The run ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200, help="how many (default 200)")
    parser.add_argument(
        "--concurrency", type=int, default=20, help="Locust users at once (default 20)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker; above 1 uses gthread"
    )
    parser.add_argument(
        "--ramp-up",
        type=float,
        default=3.0,
        help="seconds over which the Locust users are started (default 3)",
    )
    parser.add_argument(
        "--alone",
        type=int,
        default=10,
        help="respondents who go first, one at a time, at most a quarter (default 10)",
    )
    parser.add_argument("--seed", default="mlfit", help="seed for the answers respondents give")
    parser.add_argument("--fault", action="store_true", help="restart PostgreSQL mid-run")
    parser.add_argument(
        "--fault-at",
        type=float,
        default=0.3,
        help="restart once this share of respondents has finished (default 0.3)",
    )
    parser.add_argument(
        "--outage",
        type=float,
        default=2.0,
        help="seconds PostgreSQL stays stopped; 0 uses pg_ctl restart -m fast (default 2)",
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=1.0,
        help="seconds after PostgreSQL is back in which an error still counts as the outage's",
    )
    parser.add_argument(
        "--retry-pause", type=float, default=0.5, help="seconds before reloading after an error"
    )
    parser.add_argument(
        "--retry-for", type=float, default=60, help="seconds a respondent keeps reloading"
    )
    parser.add_argument("--timeout", type=float, default=900, help="stop the run after this")
    parser.add_argument("--quiet", action="store_true", help="print only the figures")
    parser.add_argument("--csv", type=Path, help="also write every request to this CSV file")
    parser.add_argument("--server-log", type=Path, help="keep gunicorn's output in this file")
    args = parser.parse_args(argv)
    if args.respondents < 1 or args.concurrency < 1 or args.workers < 1 or args.threads < 1:
        parser.error("--respondents, --concurrency, --workers and --threads must be positive")
    if not 0 < args.fault_at <= 0.9:
        parser.error("--fault-at must be above 0 and at most 0.9")
    return args


def prepare(args: argparse.Namespace) -> dict[str, str]:
    """Check the database and tools, migrate, load the questionnaire; return the server's env."""
    if args.fault and not (os.environ.get("MLFIT_PG_DATA") and os.environ.get("MLFIT_PG_BIN")):
        raise SetupError(
            "--fault restarts PostgreSQL and needs MLFIT_PG_DATA and MLFIT_PG_BIN; "
            "scripts/with-postgres sets them"
        )
    try:
        import gunicorn  # noqa: F401
    except ImportError as error:
        raise SetupError("gunicorn is not installed: pip install -e '.[test]'") from error
    env = server_environment()
    prepare_site(env, ".venv/bin/python scripts/loadtest.py")
    return env


def finish(run: LoadRun, count: int, deadline: float, report_every: int = 0) -> None:
    """Wait until `count` journeys are over; past `deadline`, stop every respondent."""
    state = run.state
    reported = state.finished
    # Once stopped, no journey starts any more: wait for those under way.
    while state.finished < (len(state.journeys) if state.stopped else count):
        gevent.sleep(0.2)
        if time.perf_counter() > deadline:
            state.stopped = True
        if report_every and state.finished >= reported + report_every:
            reported = state.finished
            run.say(f"  {reported}/{run.args.respondents} respondents finished")


def load(run: LoadRun, fault: Fault | None, server: Server):
    """Send every respondent through; return Locust's Environment and the concurrent part's s."""
    from django.utils import timezone
    from locust.env import Environment

    args, state = run.args, run.state
    env = Environment(user_classes=[respondents(state)], host=f"http://127.0.0.1:{server.port}")
    runner = env.create_local_runner()
    deadline = time.perf_counter() + args.timeout
    run.started_at = timezone.now()
    if run.alone:
        state.quota = run.alone
        runner.start(1, spawn_rate=1)  # the one user goes through `alone` journeys in turn
        finish(run, run.alone, deadline)
    run.load_from = len(state.samples)
    env.stats.reset_all()  # Locust's figures are those of the concurrent part
    state.quota = args.respondents
    injector = gevent.spawn(inject_fault, run, fault, server) if fault else None
    started = time.perf_counter()
    # People do not all arrive in the same second: spread the first wave, so
    # that the respondents are spread over the pages of the journey later on.
    runner.start(args.concurrency, spawn_rate=args.concurrency / max(args.ramp_up, 0.001))
    finish(run, args.respondents, deadline, max(1, args.respondents // 5))
    elapsed = time.perf_counter() - started
    state.stopped = True  # releases an injector that never got its turn
    runner.quit()
    if injector is not None:
        injector.join()
    return env, elapsed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A CI job's TERM must still stop the gunicorn this script started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        setup_started = time.perf_counter()
        env = prepare(args)
        from django.db import connection, connections

        version = connection.cursor().connection.server_version
        connections.close_all()
        with tempfile.TemporaryDirectory(prefix="mlfit-load-") as tmp:
            log = args.server_log or Path(tmp) / "gunicorn.log"
            server = Server(args.workers, args.threads, env, log)
            try:
                return run_and_report(args, server, version, setup_started)
            finally:
                server.stop()
    except SetupError as error:
        print(f"loadtest: {error}", file=sys.stderr)
        return 2


def run_and_report(
    args: argparse.Namespace, server: Server, version: int, setup_started: float
) -> int:
    run = LoadRun(args)
    kind = "sync" if args.threads == 1 else f"gthread x {args.threads} threads"
    print(
        f"mlfit load test{' with a PostgreSQL restart' if args.fault else ''}: "
        f"{args.respondents} respondents, {args.concurrency} Locust users at a time; gunicorn "
        f"{args.workers} {kind} workers on 127.0.0.1:{server.port}; PostgreSQL "
        f"{version // 10000}.{version % 10000}; set-up {time.perf_counter() - setup_started:.1f} s",
        flush=True,
    )
    fault = Fault() if args.fault else None
    env, elapsed = load(run, fault, server)
    journeys, samples = run.state.journeys, run.state.samples
    if args.csv:
        write_csv(args.csv, samples, fault)
    alone, loaded = samples[: run.load_from], samples[run.load_from :]
    completed = sum(1 for journey in journeys[run.alone :] if journey.completed)

    problems: list[str] = []
    for journey in journeys:
        if journey.failure:
            problems.append(f"respondent {journey.index}: {journey.failure}")
    stats = env.stats.total
    if (stats.num_requests, stats.num_failures) != (len(loaded), sum(s.failed for s in loaded)):
        problems.append(
            f"Locust counted {stats.num_requests} requests, {stats.num_failures} failed; "
            f"the samples {len(loaded)}, {sum(s.failed for s in loaded)} failed"
        )
    fault_figures: list[str] = []
    if fault is not None:
        found, fault_figures = fault_findings(run, fault, server)
        problems += found
    else:
        for sample in [s for s in samples if s.failed][:10]:
            problems.append(
                f"{sample.kind} {sample.method} {sample.path}: {sample.status or sample.error}"
            )
    database_problems, database = check_database(
        journeys, run.started_at, args.respondents, lost_starts=args.fault
    )
    problems += database_problems

    print("\nLatency of answered requests; the baseline is a static file served by WhiteNoise.")
    if alone:
        print(f"Alone: {run.alone} respondents one after the other")
        for line in latency_table(alone):
            print("  " + line)
    print(
        f"Under load: {args.respondents - run.alone} respondents, {args.concurrency} at a time: "
        f"{len(loaded)} requests in {elapsed:.1f} s = {len(loaded) / elapsed:.1f} requests/s, "
        f"{completed / elapsed:.2f} respondents/s"
    )
    for line in latency_table(loaded):
        print("  " + line)
    print(
        f"Locust under load: {stats.num_requests} requests, {stats.num_failures} failures; "
        f"p50 {stats.get_response_time_percentile(0.5):.0f} ms, "
        f"p95 {stats.get_response_time_percentile(0.95):.0f} ms, "
        f"p99 {stats.get_response_time_percentile(0.99):.0f} ms"
    )
    print(
        f"Database: {database['completed']} completed submissions from this run "
        f"({args.respondents} expected), {database['answers']} answers"
        + (f", {database['orphans']} empty unfinished ones" if args.fault else "")
    )
    if fault_figures:
        print("Fault:")
        for line in fault_figures:
            print("  " + line)
    logged = log_summary(server.log_path)
    if logged:
        print(f"Server log ({sum(logged.values())} lines), most frequent:")
        for line, count in logged.most_common(8):
            print(f"  {count} x {line}")
    if problems:
        print(f"\nFAILED: {len(problems)} problems")
        for problem in problems[:20]:
            print("  " + problem)
        if not logged and server.log_tail():
            print("gunicorn's log ends with:\n" + server.log_tail())
        return 1
    print(
        "\nPASSED: no 5xx"
        + (" outside the outage, error pages only, served again at once" if args.fault else "")
        + f"; {args.respondents} completed submissions hold exactly the answers posted."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
