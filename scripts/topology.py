"""The production topology on loopback, with faults: nginx, two gunicorns, Redis, PostgreSQL.

    scripts/with-postgres .venv/bin/python scripts/topology.py [--respondents 200]
        [--bad-requests 10000]

Starts redis-server (no persistence, its own directory), migrates, loads the
questionnaire and collects the static files, starts two gunicorn instances
of the app (deploy/gunicorn.conf.py, production settings, the Redis cache,
nginx's X-Forwarded-For as the client address) and nginx in front
(deploy/nginx.conf.template, rendered into a temporary directory), all on
private loopback ports (scripts/deployment.py). Then, through nginx:

1. Locust respondents (scripts/locustfile.py, the same user class as the
   load test's, here once each), each from its own loopback address, answer
   the whole questionnaire. While they do (scripts/topology_faults.py): a
   Start flood from one address meets 429s from both instances after
   MLFIT_START_LIMIT starts in all (the counter is in Redis) while another
   address still starts; slow clients send their headers a byte at a time;
   Redis is restarted; one gunicorn instance is killed with SIGKILL (master
   and workers) and later started again.
2. The database is checked as scripts/loadtest.py checks it
   (scripts/journeys.py): every completed submission holds exactly the
   answers posted, nothing else was written.
3. Generated bad requests (scripts/badrequests.py); every status is counted,
   and the stored answers must be unchanged.

It fails on any 5xx except the one kind nginx cannot hide: a POST already
sent to the instance that was killed (nginx never resends a POST that may
have been saved), answered 502 and then resent by the respondent.

Exit status: 0 when every check passed, 1 when one failed, 2 when it cannot run.
"""

# Locust runs on gevent, which must patch the standard library before anything uses it.
from gevent import monkey

monkey.patch_all()

import argparse
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import gevent

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deployment import START_LIMIT, WORKERS, Topology, app_environment, nginx_binary
from journeys import Journey, check_database, percentile
from locustfile import RunState, respondents
from servers import SetupError, prepare_site
from topology_faults import (
    FLOOD_ADDRESS,
    SLOW_ADDRESS,
    Timeline,
    check_headers,
    fuzz_through_nginx,
)


def run_locust(topology: Topology, args: argparse.Namespace, state: RunState, timeline: Timeline):
    """Run the respondents with the faults; return Locust's Environment, its start and seconds."""
    from locust.env import Environment

    env = Environment(user_classes=[respondents(state)], host=f"http://{topology.host}")
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(args.respondents, spawn_rate=args.spawn_rate)
    faults = timeline.start(started)
    while state.finished < args.respondents:
        if time.perf_counter() - started > args.timeout:
            state.stopped = True
            break
        gevent.sleep(0.5)
    elapsed = time.perf_counter() - started
    gevent.joinall(faults, timeout=60)
    runner.quit()
    return env, started, elapsed


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=200, help="Locust users (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=8, help="users started a second")
    parser.add_argument(
        "--kill-after", type=float, default=0.4, help="share of respondents done at the kill"
    )
    parser.add_argument("--slow-clients", type=int, default=8, help="slow connections (default 8)")
    parser.add_argument("--bad-requests", type=int, default=10000, help="default 10000")
    parser.add_argument("--seed", type=int, default=12, help="seed of the bad requests")
    parser.add_argument("--timeout", type=float, default=150, help="give up the Locust run after")
    parser.add_argument("--keep", type=Path, help="copy the logs into this directory")
    return parser.parse_args(argv)


def prepare() -> None:
    if not shutil.which("redis-server"):
        raise SetupError("redis-server is not installed (Debian: apt-get install redis-server)")
    nginx_binary()
    env = app_environment(0)
    del env["MLFIT_CACHE_URL"]  # the apps' Redis is not started yet
    prepare_site(env, ".venv/bin/python scripts/topology.py")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    # A CI job's TERM must still stop every server this script started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.perf_counter()
    try:
        prepare()
        with tempfile.TemporaryDirectory(prefix="mlfit-topology-") as tmp:
            tmp_path = Path(tmp)
            tmp_path.chmod(0o755)  # nginx's workers may run as another user
            topology = Topology(tmp_path)
            try:
                topology.start()
                return run_and_report(topology, args, began)
            finally:
                topology.stop()
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    for log in topology.logs():
                        shutil.copy(log, args.keep / log.name)
    except SetupError as error:
        print(f"topology: {error}", file=sys.stderr)
        return 2


# -- What the run shows -------------------------------------------------------------------


def kill_findings(topology: Topology, timeline: Timeline, access: list[dict], state: RunState):
    """Return (problems, figures) of the 5xx: only POSTs in flight on the killed instance."""
    problems = []
    killed = f"127.0.0.1:{topology.app_ports[0]}"
    kill_at = timeline.wall.get("kill", 0.0)
    errors = [a for a in access if int(a["status"]) >= 500]
    # A request that reaches a dead instance is refused a connection, and nginx
    # passes it to the other one, POST or not. So a 502 for a POST that nginx
    # sent to the killed instance alone, answered as it died, is one that was
    # already sent to it (being served or in its listen queue) when it was killed.
    hidden = [
        a
        for a in errors
        if a["status"] == "502"
        and a["request"].startswith("POST ")
        and a["upstream"] == killed
        and kill_at - 0.05 <= float(a["msec"]) <= kill_at + 1.0
    ]
    for a in [a for a in errors if a not in hidden][:10]:
        problems.append(f"5xx: {a['request']} -> {a['status']} via {a['upstream']}")
    client_5xx = [s for s in state.samples if s.status is None or s.status >= 500]
    if len(client_5xx) != len([a for a in errors if a["addr"].startswith("127.1.")]):
        problems.append(
            f"respondents saw {len(client_5xx)} 5xx/no answer, nginx logged {len(errors)}"
        )
    last_error = max((s.end for s in client_5xx), default=None)
    return problems, {"killed": killed, "errors": errors, "hidden": hidden, "last": last_error}


def flood_findings(topology: Topology, timeline: Timeline, access: list[dict]):
    """Return (problems, Starts per instance and status): 429 from both, counted in Redis."""
    problems = []
    flood = timeline.flood
    by_upstream: Counter = Counter()
    for a in access:
        if a["addr"] == FLOOD_ADDRESS and a["request"].startswith("POST /start/"):
            by_upstream[(a["upstream"], a["status"])] += 1
    if flood:
        if flood["statuses"].get(302, 0) != START_LIMIT:
            problems.append(f"flood: {flood['statuses'].get(302, 0)} starts, {START_LIMIT} allowed")
        for port in topology.app_ports:
            if not by_upstream.get((f"127.0.0.1:{port}", "429")):
                problems.append(f"flood: no 429 from the instance on port {port}")
        if flood["other"] != 302:
            problems.append(f"flood: another address got {flood['other']} for Start")
    return problems, by_upstream


def slow_findings(timeline: Timeline, access: list[dict], state: RunState):
    """Return (problems, respondent requests served while the slow clients were connected)."""
    slow = timeline.slow
    if not slow:
        return [], []
    problems = []
    during = [s for s in state.samples if slow["from"] <= s.end <= slow["to"]]
    served = [s for s in during if s.status and 200 <= s.status < 400]
    if not served:
        problems.append("slow clients: no respondent was served while they were connected")
    for kind, held, _ in slow["results"]:
        if kind == "headers" and held > 12:
            problems.append(f"slow client (headers) held for {held:.1f} s")
    slow_upstream = [a for a in access if a["addr"] == SLOW_ADDRESS and a["upstream"] != "-"]
    if slow_upstream:
        problems.append(f"slow clients reached gunicorn: {slow_upstream[:2]}")
    return problems, served


def stored_rows() -> dict[str, tuple]:
    from assessments.models import Submission

    rows = Submission.objects.values_list("pk", "answers", "completed_at")
    return {str(pk): (answers, done) for pk, answers, done in rows}


def run_and_report(topology: Topology, args: argparse.Namespace, began: float) -> int:
    from django.db import connections
    from django.utils import timezone

    print(
        f"mlfit topology: nginx on {topology.host} -> gunicorn x2 ({WORKERS} sync workers each, "
        f"ports {topology.app_ports[0]}, {topology.app_ports[1]}), Redis on "
        f"{topology.redis_port}, PostgreSQL; set-up {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    problems: list[str] = check_headers(topology)
    run_started = timezone.now()
    # Each of the users answers once, from its own address, pausing between pages;
    # a 5xx (a POST lost with the killed instance) is sent again, as a person would.
    state = RunState(quota=args.respondents, journeys_each=1, own_addresses=True)
    timeline = Timeline(topology, args, state)
    env, zero, elapsed = run_locust(topology, args, state, timeline)
    problems += [f"a fault could not be injected: {error}" for error in timeline.errors]
    for event in ("flood", "slow clients", "redis stopped", "kill"):
        if not timeline.during.get(event):
            problems.append(f"{event}: no respondent was answering any more (not mid-run)")
    access = topology.access_log()
    journeys = state.journeys
    for journey in journeys:
        if journey.failure or not journey.completed:
            problems.append(f"respondent {journey.index}: {journey.failure or 'did not finish'}")
    if len(journeys) != args.respondents:
        problems.append(f"{len(journeys)} respondents started, {args.respondents} expected")
    found, kill = kill_findings(topology, timeline, access, state)
    problems += found
    found, by_upstream = flood_findings(topology, timeline, access)
    problems += found
    found, served = slow_findings(timeline, access, state)
    problems += found

    # The database, as scripts/loadtest.py checks it; the flood's submissions are empty.
    connections.close_all()
    flood = timeline.flood
    extra = [
        Journey(10_000 + k, submission=pk) for k, pk in enumerate(flood.get("submissions", []))
    ]
    database_problems, database = check_database(
        [*journeys, *extra], run_started, args.respondents, lost_starts=True
    )
    problems += database_problems

    # Generated bad requests: nothing stored may change.
    completed = [j for j in journeys if j.completed]
    before = stored_rows()
    fuzz = fuzz_through_nginx(topology, args, [j.submission for j in completed[:5]])
    after = stored_rows()
    # The killed instance, started again, takes its share once more.
    back_at = timeline.wall.get("back", time.time())
    revived = Counter(a["upstream"] for a in topology.access_log() if float(a["msec"]) > back_at)
    if "back" in timeline.events and not revived[kill["killed"]]:
        problems.append("nginx sent nothing to the restarted instance")
    changed = [
        pk for pk, row in before.items() if after.get(pk) != row and pk != fuzz["in_progress"]
    ]
    if changed:
        problems.append(f"bad requests changed {len(changed)} stored submissions: {changed[:3]}")
    for status, kind, first in fuzz["five_hundreds"][:5]:
        problems.append(f"bad request ({kind}) -> {status} {first!r}")

    # -- Report
    t = {name: at - zero for name, at in timeline.events.items()}
    stats = env.stats.total
    print(
        f"\nLocust: {state.finished} of {args.respondents} respondents finished in "
        f"{elapsed:.1f} s; {stats.num_requests} requests, {stats.num_failures} failures; "
        f"p50 {stats.get_response_time_percentile(0.5):.0f} ms, "
        f"p95 {stats.get_response_time_percentile(0.95):.0f} ms, "
        f"p99 {stats.get_response_time_percentile(0.99):.0f} ms"
    )
    for (name, method), entry in sorted(env.stats.entries.items(), key=lambda e: e[0][0]):
        print(
            f"  {method:<4} {name:<10} {entry.num_requests:>6} requests {entry.num_failures:>3} failed"
            f"  p50 {entry.get_response_time_percentile(0.5):>5.0f} ms"
            f"  p95 {entry.get_response_time_percentile(0.95):>5.0f} ms"
        )
    print(
        f"Start flood at {t.get('flood', 0):.1f} s ({timeline.during.get('flood')} respondents "
        f"answering) from {FLOOD_ADDRESS}: "
        + ", ".join(f"{n} x {s}" for s, n in sorted(flood.get("statuses", {}).items()))
        + "; per instance: "
        + ", ".join(f"{u} {s}: {n}" for (u, s), n in sorted(by_upstream.items()))
        + f"; another address then got {flood.get('other')}"
    )
    slow = timeline.slow
    if slow:
        kinds = Counter((k, a.decode(errors="replace") or "closed") for k, _, a in slow["results"])
        held = {k: max(h for kk, h, _ in slow["results"] if kk == k) for k, _ in kinds}
        times = [s.seconds * 1000 for s in served]
        print(
            f"Slow clients: {len(slow['results'])} from {slow['from'] - zero:.1f} s to "
            f"{slow['to'] - zero:.1f} s; "
            + ", ".join(f"{n} sending {k}: {a}" for (k, a), n in kinds.items())
            + f"; held at most {', '.join(f'{k} {h:.1f} s' for k, h in held.items())}; "
            f"meanwhile {len(served)} respondent requests served, p95 "
            f"{percentile(times, 95) if times else float('nan'):.0f} ms"
        )
    print(
        f"Redis restarted at {t.get('redis stopped', 0):.1f} s ({timeline.during.get('redis stopped')} "
        f"respondents answering), away {timeline.redis_away:.1f} s "
        "(rate limits fail open meanwhile)"
    )
    errors, hidden, last_error = kill["errors"], kill["hidden"], kill["last"]
    print(
        f"gunicorn 1 killed (SIGKILL, master and workers) at {t.get('kill', 0):.1f} s "
        f"({timeline.during.get('kill')} respondents answering), started again "
        f"at {t.get('restart', 0):.1f} s (serving at {t.get('back', 0):.1f} s): "
        f"{len(hidden)} POSTs in flight on it answered 502 and were resent"
        + (f", last error {last_error - zero:.2f} s in" if last_error is not None else "")
        + f"; afterwards nginx sent it {revived[kill['killed']]} requests, the other "
        f"{revived[f'127.0.0.1:{topology.app_ports[1]}']}"
    )
    print(
        f"5xx: {len(errors)} in all, {len(errors) - len(hidden)} outside the kill "
        f"(allowed: 0; at the kill only POSTs already sent to the killed instance)"
    )
    print(
        f"Database: {database['completed']} completed submissions ({args.respondents} expected), "
        f"{database['answers']} answers, each exactly as posted; {database['orphans']} empty "
        f"unfinished ones from Starts whose answer was lost; {len(extra)} from the flood"
    )
    histogram = ", ".join(f"{s or 'no answer'}: {n}" for s, n in sorted(fuzz["statuses"].items()))
    print(
        f"Bad requests: {fuzz['count']} in {fuzz['seconds']:.1f} s through nginx; status "
        f"histogram {histogram}; stored answers unchanged: {'yes' if not changed else 'NO'}"
    )
    for kind, statuses in sorted(fuzz["by_kind"].items()):
        print(f"  {kind:<22} " + ", ".join(f"{s or '-'}: {n}" for s, n in sorted(statuses.items())))
    print(f"Wall time: {time.perf_counter() - began:.1f} s")
    if problems:
        print(f"\nFAILED: {len(problems)} problems")
        for problem in problems[:25]:
            print("  " + problem)
        for app in topology.apps:
            print(f"{app.name} log ends with:\n{app.tail(15)}")
        return 1
    print("\nPASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
