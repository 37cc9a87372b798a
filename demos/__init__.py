"""hydrobridge.demos: runnable studies (configuration + orchestration + plots over the library).

Each study module defines ``SCHEMA`` (its configuration keys), ``run_study(config, out, resume)`` and
``main()``; the ``hydrobridge`` command runs the ones listed by ``hydrobridge studies`` from TOML files
(``demos/configs/*.toml`` ship with the package: ``hydrobridge template NAME``). ``permittivity`` is the main
job of ``make demo``.
"""

__all__: list[str] = []
