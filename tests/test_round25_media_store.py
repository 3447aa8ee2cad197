"""Facts behind a round-25 recall class of TF606: a job writing under the project's persistent file store
(`settings.MEDIA_ROOT`, Flask's `UPLOAD_FOLDER`, a setting naming the data root) keeps data on one disk, unlike a
staging copy it deletes again or hands to an upload, a mail or another transfer."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze

WRITE = "python.file_write"


def _writes(source: str, path: str = "reports/tasks.py"):
    facts = analyze(path, textwrap.dedent(source).encode("utf-8")).facts
    assert not [f for f in facts if f.kind == "parse_error"], "test source must parse"
    return [(f.function, f.store) for f in facts if f.kind == WRITE]


def test_a_job_file_under_the_file_store_is_kept_there_unless_deleted_or_handed_on():
    source = """
        import os
        import boto3
        import sftpclone
        from celery import shared_task
        from django.conf import settings
        from django.core.mail import EmailMessage

        @shared_task
        def kept(name, rows):
            csv_file = os.path.join(settings.MEDIA_ROOT, "reports", name + ".csv")
            with open(csv_file, "w") as out:
                out.write(rows)
            summarise(csv_file)

        @shared_task
        def data_root(name, rows):
            with open(os.path.join(settings.DATA_DIR, name), "w") as out:
                out.write(rows)

        @shared_task
        def scratch_under_media(name, rows):
            with open(os.path.join(settings.MEDIA_ROOT, "tmp", name), "w") as out:
                out.write(rows)

        @shared_task
        def uploaded(name, rows):
            path = os.path.join(settings.MEDIA_ROOT, name)
            with open(path, "w") as out:
                out.write(rows)
            boto3.client("s3").upload_file(path, "bucket", name)

        @shared_task
        def mailed(name, rows):
            path = os.path.join(settings.MEDIA_ROOT, name)
            with open(path, "w") as out:
                out.write(rows)
            message = EmailMessage("report", "attached", to=["a@example.org"])
            message.attach_file(path)
            message.send()

        @shared_task
        def cloned_and_deleted(target, clips):
            src = os.path.abspath(settings.MEDIA_ROOT) + "/"
            delete_files = []
            for clip in clips:
                local_path = "{}{}".format(src, clip)
                with open(local_path, "wb") as out:
                    out.write(b"")
                delete_files.append(local_path)
            sftpclone.SFTPClone(src, target).run()
            for item in delete_files:
                os.remove(item)

        @shared_task
        def elsewhere(name, rows):
            with open(os.path.join("/srv/exports", name), "w") as out:
                out.write(rows)
    """
    assert _writes(source) == [
        ("kept", "settings.MEDIA_ROOT"), ("data_root", "settings.DATA_DIR"), ("scratch_under_media", ""),
        ("uploaded", ""), ("mailed", ""), ("cloned_and_deleted", ""), ("elsewhere", "")]


def test_flask_upload_folder_is_the_file_store():
    source = """
        import os
        from celery import shared_task
        from flask import current_app

        @shared_task
        def thumbnail(name, data):
            with open(os.path.join(current_app.config["UPLOAD_FOLDER"], "thumbs", name), "wb") as out:
                out.write(data)
    """
    assert _writes(source, "app/tasks.py") == [("thumbnail", 'config["UPLOAD_FOLDER"]')]
