"""link.unused_backends for Flask-Caching: a `Cache` nothing reads or writes holds no per-worker state yet."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.facts.python import ModuleRefs, Setting
from twelvefactor_lint.link import unused_backends


def _facts(files: dict[str, str]):
    return [f for path, code in files.items()
            for f in analyze(path, textwrap.dedent(code).encode("utf-8")).facts]


def _unread(files: dict[str, str], complete: bool = True) -> bool:
    linked = unused_backends.link(_facts(files), complete)
    return next(f.default_cache_unread for f in linked if isinstance(f, Setting) and f.key == "CACHE_TYPE")


SETTINGS = {"app/settings.py": "class Config:\n    CACHE_TYPE = 'SimpleCache'\n"}
CACHE = {"app/extensions.py": "from flask_caching import Cache\ncache = Cache()\n"}
INIT = {"app/factory.py": "from app.extensions import cache\ndef create_app(app):\n    cache.init_app(app)\n"}


def test_the_names_a_module_binds_caches_to_and_uses_cache_methods_on():
    refs = next(f for f in _facts({"app/views.py": """
        from flask_caching import Cache
        from app.extensions import cache as pages
        store = Cache()
        Cache(object())

        @pages.memoize(60)
        def view():
            return store.init_app
        """}) if isinstance(f, ModuleRefs))
    assert refs.flask_caches == ("store", "?")
    assert "pages" in refs.cache_uses and "cache" in refs.cache_uses and "store" not in refs.cache_uses


def test_a_cache_only_init_app_d_is_unread():
    assert _unread({**SETTINGS, **CACHE, **INIT})


def test_a_cache_read_anywhere_through_an_alias_is_read():
    assert not _unread({**SETTINGS, **CACHE, **INIT, "app/views.py": """
        from app.extensions import cache as c

        @c.cached(timeout=5)
        def index():
            return "x"
        """})


def test_an_unbound_cache_none_found_or_a_focused_run_claims_nothing():
    assert not _unread({**SETTINGS, "app/ext.py": "from flask_caching import Cache\nCache(object())\n"})
    assert not _unread(SETTINGS)
    assert not _unread({**SETTINGS, **CACHE, **INIT}, complete=False)


DJANGO_SETTINGS = {"mysite/settings.py": """
    SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
"""}
MEMO = """
    from django.core.cache import cache as store

    def prisons():
        found = store.get("prisons")
        if found is None:
            found = fetch()
            store.set("prisons", found, 3600)
        return found
"""


def _memos(files: dict[str, str]) -> bool:
    linked = unused_backends.link(_facts(DJANGO_SETTINGS | files), True)
    return next(f.default_cache_memos for f in linked if isinstance(f, Setting) and f.key == "CACHES.default.BACKEND")


def test_how_a_module_uses_django_s_default_cache():
    refs = next(f for f in _facts({"app/views.py": MEMO + """
    def forget(user):
        store.delete(f"user:{user}")
        store.set("flag", True)
        helper(store)
    """}) if isinstance(f, ModuleRefs))
    assert sorted(refs.django_cache_calls) == ["?", "delete", "get:prisons", "memo:prisons", "set"]


def test_read_through_memos_of_fixed_entries_with_a_timeout_are_per_process_copies():
    assert _memos({"app/views.py": MEMO, "tests/test_views.py": "from django.core.cache import cache\ncache.clear()\n"})


def test_invalidation_counters_computed_keys_or_cache_sessions_are_shared_state():
    assert not _memos({"app/views.py": MEMO + "\ndef saved():\n    store.delete('prisons')\n"})
    assert not _memos({"app/views.py": MEMO + "\ndef hit(ip):\n    return store.incr('hits')\n"})
    assert not _memos({"app/views.py": MEMO.replace('store.get("prisons")', 'store.get(f"prisons:{user}")')})
    assert not _memos({"app/views.py": MEMO, "mysite/cache_sessions.py": """
        SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    """})
    assert not _memos({"app/views.py": MEMO.replace(", 3600", "")})
    assert not _memos({"app/views.py": "from django.core.cache import cache\nflag = cache.get('maintenance')\n"})


def _default_unread(settings: str) -> bool:
    linked = unused_backends.link(_facts({"mysite/settings.py": settings}), True)
    return next(f.default_cache_unread for f in linked if isinstance(f, Setting) and f.key == "CACHES.default.BACKEND")


AXES = """\
INSTALLED_APPS = ["django.contrib.auth", "axes"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "axes_cache": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
"""


def test_an_app_whose_cache_alias_the_settings_send_elsewhere_keeps_nothing_in_the_default_cache():
    assert not _default_unread(AXES)  # axes stores its lockouts in the default cache unless told otherwise
    assert not _default_unread(AXES + 'AXES_CACHE = "default"\n')
    assert _default_unread(AXES + 'AXES_CACHE = "axes_cache"\n')
    handler = 'AXES_CACHE = "axes_cache"\nAXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"\n'
    assert _default_unread(AXES + handler)  # its cache handler follows AXES_CACHE too
    assert not _default_unread(AXES.replace('"axes"]', '"axes", "waffle"]') + 'AXES_CACHE = "axes_cache"\n')
