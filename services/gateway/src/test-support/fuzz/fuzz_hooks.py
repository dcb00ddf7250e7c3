"""Schemathesis hooks for the gateway's fuzz run (loaded through SCHEMATHESIS_HOOKS).

CPython 3.11 before 3.11.8 can raise "SystemError: AST constructor recursion depth mismatch" from
ast.parse when it is called deep in a stack (CPython gh-106905). Hypothesis calls ast.parse only to
describe a filter's lambda in a strategy's repr, and schemathesis builds such filters deep in its
coverage phase, so on Debian 12's Python the run could stop with a "Runtime Error" that says nothing
about the API. The description is cosmetic: fall back to the function's name when it cannot be made.
"""

import hypothesis.strategies._internal.lazy as lazy

_describe = lazy.get_pretty_function_description


def _describe_safely(fn):
    try:
        return _describe(fn)
    except SystemError:
        return getattr(fn, "__name__", "<function>")


lazy.get_pretty_function_description = _describe_safely
