"""Typed access decorators for views (flask_login ships no type information)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort
from flask_login import current_user

from triage.staff import User

F = TypeVar("F", bound=Callable[..., Any])


def me() -> User:
    user: User = current_user._get_current_object()
    return user


def signed_in(view: F) -> F:
    """Signed in, else to the sign-in page with ``next`` (the SMS link lands back on its case)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            from triage.web import login_manager

            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return cast(F, wrapped)


def allowed(check: Callable[[User], bool]) -> Callable[[F], F]:
    """Signed in and passing ``check(user)``, else 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from triage.web import login_manager

                return login_manager.unauthorized()
            if not check(me()):
                abort(403)
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
