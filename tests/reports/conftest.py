"""Shared fixtures: the sample document and its .docx, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.reports.document import Document
from zicha.reports.docx_writer import write_docx

from .sample import sample_document


@pytest.fixture(scope="session")
def sample_doc() -> Document:
    """The sample report with its two charts."""
    return sample_document()


@pytest.fixture(scope="session")
def sample_docx(sample_doc: Document, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample written as .docx with the bundled template."""
    path = tmp_path_factory.mktemp("docx") / "sample.docx"
    write_docx(sample_doc, path)
    return path
