"""The text layer every step shares: decoding input bytes (``decode``), heading markers (``headings``),
Chinese numerals (``numerals``) and the words the writer reads for severities, 立意卡 fields and the
speaking pace (``vocabulary``). Leaf modules: they import nothing from the rest of ``coach`` except
``coach.errors``, so any package may import them.
"""
