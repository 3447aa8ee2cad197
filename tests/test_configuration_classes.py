"""django-configurations classes a process runs only when DJANGO_CONFIGURATION names them."""

import ast

from twelvefactor_lint.analyze.python.config_values import selectable_configurations
from twelvefactor_lint.analyze.python.names import Names

_SETTINGS = '''
from configurations import Configuration

class Base(Configuration):
    pass

class Build(Base):
    """For collectstatic at image build."""

class Development(Base):
    pass

class Test(Base):
    pass

class Production(Base):
    pass

class Feature(Production):
    pass

class Preview(Base):
    pass
'''


def test_leaves_named_for_no_environment() -> None:
    tree = ast.parse(_SETTINGS)
    names = Names(tree, [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))])
    # Base is built on; Development, Test and Production are named; Feature is built on Production
    assert [c.name for c in selectable_configurations(names)] == ["Build", "Preview"]


def test_plain_config_classes_are_not_configurations() -> None:
    tree = ast.parse("class Config:\n    pass\n\nclass Build(Config):\n    pass\n")
    assert selectable_configurations(Names(tree, [])) == []
