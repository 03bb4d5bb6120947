"""Layout layer: a neutral document model and writers for it (docx, html, markdown, pdf, charts).

The model (:mod:`zicha.reports.document`) knows nothing about what a report says; other layers
fill it. The writers lay it out as a Chinese official document (GB/T 9704-2012).
"""
