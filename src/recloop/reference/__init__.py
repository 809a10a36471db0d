"""Published takeoff models as reference presets, vectorised over samples.

- :mod:`recloop.reference.sie`: Davidson & Houlden 2025, software intelligence explosion;
- :mod:`recloop.reference.ai2027`: Kokotajlo & Lifland 2025, AI 2027 takeoff forecast;
- :mod:`recloop.reference.models`: one entry point (``report``) used by ``recloop reference``.

See docs/reference-models.md for what is reproduced and how it differs from recloop's engine.
"""
