"""Export files: CSV, XLSX (XlsxWriter, constant memory) and a one-page PDF (fpdf2).

Each writer is a `core.reports.ports.ExportWriter` that writes to a temporary file beside its
target and moves it into place when it finishes: a failed export leaves no file behind.
"""
