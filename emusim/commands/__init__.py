"""Command-line plug-ins: every module here has ``register(subparsers)``.

A module adds its sub-parser and ``set_defaults(handler=run)``, where ``run(args)`` returns
the exit status. Shared helpers for options live in :mod:`emusim.cli`
(``add_scheme_options``, ``load_scheme``, ``load_values``).
"""
