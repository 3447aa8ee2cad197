"""Consumer loops a start command runs are job contexts for TF601 (`analyze.python.worker_loops`)."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze


def _writes(source: str, path: str = "worker.py") -> list[tuple[str, str, int, str]]:
    """(state, function, line, framework) of every state-mutation fact."""
    facts = analyze(path, textwrap.dedent(source).encode("utf-8")).facts
    return sorted((f.name, f.function, f.line, f.framework) for f in facts if f.kind == "python.state_mutation")


def test_main_guard_loop_counts_writes_inside_the_loop_not_the_setup_before_it():
    assert _writes(
        """
        import queue
        CONFIG = {}
        SEEN = set()
        jobs = queue.Queue()

        def run():
            CONFIG["mode"] = "fast"
            while True:
                job = jobs.get()
                SEEN.add(job)

        if __name__ == "__main__":
            run()
        """) == [("SEEN", "run", 11, "worker")]


def test_helper_called_in_the_loop_and_a_function_main_calls_are_followed_one_hop():
    assert _writes(
        """
        SEEN = {}

        def handle(message):
            SEEN[message.key] = message.value

        def consume(consumer):
            for message in consumer:
                handle(message)

        def main():
            consume(make_consumer())

        if __name__ == "__main__":
            main()
        """) == [("SEEN", "handle", 5, "worker")]


def test_typer_command_with_a_redis_blocking_pop_is_a_worker():
    assert _writes(
        """
        import typer
        app = typer.Typer()
        COUNTS = {}

        @app.command()
        def work(redis_client):
            while True:
                _, item = redis_client.blpop("jobs")
                COUNTS[item] = COUNTS.get(item, 0) + 1
        """) == [("COUNTS", "work", 10, "worker")]


def test_look_alikes_stay_silent():
    # a one-shot command, a dict `.get()` loop, and a consumer loop nothing starts
    assert _writes(
        """
        import click
        LOADED = []
        LOOKUP = {}
        SEEN = set()

        @click.command()
        def seed():
            for row in rows():
                LOADED.append(row)

        @click.command()
        def poll_forever():
            while True:
                value = LOOKUP.get("x")
                LOADED.append(value)

        def library_consume(queue):
            while True:
                SEEN.add(queue.get())
        """) == []
