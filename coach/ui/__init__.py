"""UI-facing helpers for the Streamlit app (``app.py``).

Most modules are plain Python, tested alone; three draw with Streamlit and hold no rules of their own:
``session`` (the open project, cached resources, shared callbacks), ``widgets`` (page parts every step
shares) and each step's ``coach/steps/<key>/page.py``. Everything they show is computed here:

- ``services``  — the one place the app reaches the other parts (store, retriever, coach, exporters …);
- ``workspace`` — the open project, its revision, autosave, stale-tab conflicts and undo;
- ``status``    — findings per step, step status and the score card;
- ``sections``  — keeping 填肉's sections in step with the outline without losing text;
- ``highlight`` — findings highlighted in the draft, as HTML built only from escaped pieces;
- ``charts``    — sentence and section lengths for the 修容 charts;
- ``outline_view`` — the outline's top-level headings, the sections kept in step, a Graphviz picture;
- ``versions``  — snapshots of the draft for 成器, the diff's choices and its summary line;
- ``examples``  — what an example card says: its source, its preview, the corpus's own slips in it;
- ``actions``   — what each click does to the project, as plain functions;
- ``exports``   — the files the writer can download at any step;
- ``uploads``   — the writer's own speeches, checked and kept in ``data_dir()/corpus``;
- ``rebuild``   — rebuilding the index in a child process, with progress;
- (query embeddings without torch live in ``coach.embed.static_numpy``, used through ``coach.embed.load_encoder``);
- ``text``      — small formatting helpers (times, counts, Markdown escaping, text to copy).
"""
