"""What python-docx lacks, as small helpers in its own proxy style.

Footnotes, hyperlinks and bookmarks, fields, list numbering, repeating table headers,
declarative styles with borders, shading and language, pictures with alt text and SVG,
embedded (obfuscated) fonts, document properties, and reproducible packaging. Each module
works on python-docx objects and returns them.
"""
