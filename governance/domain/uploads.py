"""Evidence uploads: what is accepted, and where it is stored.

A file is accepted when its extension is on the list, its content starts the way files of
that type start (so a renamed executable or HTML page is refused), and it is not larger
than ``GOVERNANCE_EVIDENCE_MAX_MB``. It is stored under a generated name, never the name
the browser sent, and served only through a permission-checked view.
"""

import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


def _is_zip_office_document(head, file, member):
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and any(n.startswith(member) for n in names)


def _is_text(head, file, member):
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The sample may end inside a multi-byte character; only earlier errors count.
        if error.start < len(head) - 3:
            return False
    return not head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<script", b"<svg"))


def _starts_with(*signatures):
    def check(head, file, member):
        return head.startswith(signatures)

    return check


# extension -> (content check, detail for the check)
EVIDENCE_TYPES = {
    "pdf": (_starts_with(b"%PDF-"), None),
    "png": (_starts_with(b"\x89PNG\r\n\x1a\n"), None),
    "jpg": (_starts_with(b"\xff\xd8\xff"), None),
    "jpeg": (_starts_with(b"\xff\xd8\xff"), None),
    "docx": (_is_zip_office_document, "word/"),
    "xlsx": (_is_zip_office_document, "xl/"),
    "pptx": (_is_zip_office_document, "ppt/"),
    "txt": (_is_text, None),
    "csv": (_is_text, None),
}


# The accepted kinds as people read them (the model's help text; forms add the size limit).
EVIDENCE_KINDS = "Accepted: " + ", ".join(kind.upper() for kind in EVIDENCE_TYPES) + "."


def validate_evidence(file):
    """Raise ValidationError unless ``file`` is an accepted evidence document."""
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in EVIDENCE_TYPES:
        accepted = ", ".join(sorted(EVIDENCE_TYPES))
        raise ValidationError(
            "Upload a %(accepted)s file.", code="file_type", params={"accepted": accepted}
        )
    limit_mb = settings.GOVERNANCE_EVIDENCE_MAX_MB
    if file.size is not None and file.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            "The file is larger than %(limit)s MB.", code="file_size", params={"limit": limit_mb}
        )
    check, member = EVIDENCE_TYPES[extension]
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if not check(head, file, member):
        raise ValidationError(
            "The file's content is not a %(extension)s document.",
            code="file_content",
            params={"extension": extension.upper()},
        )


def accepted_evidence():
    """What an evidence upload may be, as a form says it before anything is uploaded."""
    return f"{EVIDENCE_KINDS[:-1]}; at most {settings.GOVERNANCE_EVIDENCE_MAX_MB} MB."


# The original name of an upload, kept for its download: one line, no path, bounded.
EVIDENCE_NAME_MAX = 255


def evidence_display_name(filename):
    """The name a person gave an uploaded file, safe to show and to send back as the
    download's name: its last path part, without control characters, at most
    ``EVIDENCE_NAME_MAX`` characters (the extension kept)."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > EVIDENCE_NAME_MAX:
        suffix = PurePath(name).suffix[:16]
        name = name[: EVIDENCE_NAME_MAX - len(suffix)] + suffix
    return name


def evidence_upload_to(instance, filename):
    """A generated, unguessable storage name that keeps only the (validated) extension."""
    extension = PurePath(filename).suffix.lower()
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"
