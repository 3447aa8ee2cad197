"""Which distributions provide an import, where the names do not tell (`yaml` is PyYAML, `oauth2_provider`
is django-oauth-toolkit), and which modules a framework installs as its own dependencies.

Curated data, as deptry, fawltydeps and pipreqs keep it: a distribution's top-level modules are in its
wheel's metadata, which a linter that never installs the scanned project cannot read. Names here are
canonical (PEP 503) distribution names. Where a name merely differs by a prefix, separators or case
(`django-cors-headers` -> `corsheaders`, `Flask-Login` -> `flask_login`) the link needs no entry.
"""

from __future__ import annotations

_PROVIDED_BY = """
yaml _yaml: pyyaml
PIL: pillow pillow-simd
bs4: beautifulsoup4
cv2: opencv-python opencv-python-headless opencv-contrib-python opencv-contrib-python-headless py-opencv opencv
torch: pytorch
sklearn: scikit-learn
skimage: scikit-image
dateutil: python-dateutil
jwt: pyjwt
jose: python-jose
jwkest: pyjwkest
oic: oic pyoidc
openid: python3-openid python-openid
dotenv: python-dotenv
decouple: python-decouple
magic: python-magic python-magic-bin file-magic
Crypto: pycryptodome pycrypto
Cryptodome: pycryptodomex
OpenSSL: pyopenssl
nacl: pynacl
gnupg: python-gnupg
multipart python_multipart: python-multipart
slugify: python-slugify awesome-slugify
MySQLdb: mysqlclient
mysql: mysql-connector-python mysql-connector
ldap ldapurl ldif: python-ldap
docx: python-docx
pptx: python-pptx
git: gitpython
github: pygithub
gitlab: python-gitlab
redminelib: python-redmine
zmq: pyzmq
serial: pyserial
usb: pyusb
socks sockshandler: pysocks
dns: dnspython
attr: attrs
psycopg2: psycopg2 psycopg2-binary
psycopg: psycopg psycopg-binary psycopg-c
grpc: grpcio
grpc_health: grpcio-health-checking
grpc_status: grpcio-status
grpc_reflection: grpcio-reflection
grpc_tools: grpcio-tools
google.protobuf: protobuf
google.rpc google.type google.longrunning: googleapis-common-protos
google.oauth2 google.auth: google-auth
googleapiclient apiclient: google-api-python-client
google.appengine: appengine-python-standard
Levenshtein: python-levenshtein levenshtein
telegram: python-telegram-bot
telebot: pytelegrambotapi
discord: discord-py py-cord
pkg_resources setuptools _distutils_hack: setuptools
win32api win32con win32com pythoncom pywintypes: pywin32
fitz pymupdf: pymupdf
faiss: faiss-cpu faiss-gpu
memcache: python-memcached
kafka: kafka-python kafka-python-ng
paho: paho-mqtt
ruamel: ruamel-yaml
saml2: pysaml2
onelogin: python3-saml
igraph: python-igraph igraph
websocket: websocket-client
snappy: python-snappy
editor: python-editor
bson gridfs: pymongo
engineio: python-engineio
socketio: python-socketio
rest_framework_jwt: drf-jwt djangorestframework-jwt
rest_framework_simplejwt: djangorestframework-simplejwt
rest_framework_nested: drf-nested-routers
rest_framework_swagger: django-rest-swagger
rest_framework_gis: djangorestframework-gis
rest_framework_csv: djangorestframework-csv
rest_framework_xml: djangorestframework-xml
rest_framework_api_key: djangorestframework-api-key
social_core: social-auth-core
social_django: social-auth-app-django
social_flask: social-auth-app-flask
factory: factory-boy
oauth2_provider: django-oauth-toolkit
provider: django-oauth2-provider
actstream: django-activity-stream
djmoney: django-money
dal dal_select2: django-autocomplete-light
captcha: django-recaptcha django-simple-captcha
webdav3: webdavclient3
webdav: webdavclient
osgeo: gdal
gi: pygobject
cairo: pycairo
wx: wxpython
vcr: vcrpy
rediscluster: redis-py-cluster
prestodb: presto-python-client
smbclient smbprotocol: smbprotocol
scss: pyscss
sass: libsass
sassutils: libsass
playhouse: peewee
tortoise: tortoise-orm
crontab: python-crontab
dogpile: dogpile-cache
humps: pyhumps
ulid: python-ulid ulid-py
i18n: python-i18n
whisper: openai-whisper
newspaper: newspaper3k
readability: readability-lxml
translate: translate-toolkit
stdnum: python-stdnum
barcode: python-barcode
jenkins: python-jenkins
keycloak: python-keycloak
consul: python-consul py-consul
statsd: statsd python-statsd
shopify: shopifyapi
hubspot: hubspot-api-client
slack: slackclient
twitter: python-twitter
facebook: facebook-sdk
pushbullet: pushbullet-py
flaskext: flask-mysql flask-markdown
zope: zope-interface zope-event zope-deprecation zope-sqlalchemy
backports: backports-zoneinfo backports-datetime-fromisoformat
pdfminer: pdfminer-six
_cffi_backend: cffi
cchardet: cchardet faust-cchardet
msgpack: msgpack msgpack-python
snowflake: snowflake-connector-python snowflake-sqlalchemy
cassandra: cassandra-driver scylla-driver
databricks: databricks-sql-connector databricks-sdk
impala: impyla
uwsgidecorators: uwsgi pyuwsgi
magic_link: django-magic-link
ckeditor_uploader: django-ckeditor
djcelery_email: django-celery-email
menus cms: django-cms
strawberry_django: strawberry-graphql-django
vertexai: google-cloud-aiplatform
mpl_toolkits: matplotlib
Xlib: python-xlib
"""
"""`module [module ...]: distribution [distribution ...]` per line; a dotted module is a subpackage of a
namespace package (`google.protobuf` comes from protobuf, `google.cloud.storage` from its own name)."""


def _parsed(table: str) -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for line in table.strip().splitlines():
        modules, _, distributions = line.partition(":")
        for module in modules.split():
            found[module] = found.get(module, ()) + tuple(distributions.split())
    return found


PROVIDED_BY = _parsed(_PROVIDED_BY)
"""Import name (top-level, or dotted under a namespace package) -> distributions that provide it."""

NAMESPACES = frozenset({"google", "azure", "opentelemetry", "zope", "jaraco", "backports", "sphinxcontrib",
                        "ruamel", "mypy_boto3", "flaskext", "oslo", "paste", "repoze", "plone", "collective"})
"""Top-level names many distributions share: `google.cloud.storage` is google-cloud-storage, not `google`."""

_INSTALLED_WITH = """
kombu billiard vine click_didyoumean click_repl click_plugins: celery
amqp: celery kombu
starlette: fastapi
pydantic: fastapi sqlmodel pydantic-settings
pydantic_core annotated_types typing_inspection: pydantic
anyio: httpx starlette fastapi
werkzeug jinja2 itsdangerous blinker: flask
click: flask celery uvicorn typer
markupsafe: jinja2 flask werkzeug
asgiref sqlparse: django
tzdata: django pandas
certifi: requests httpx
urllib3: requests botocore
idna: requests httpx
charset_normalizer: requests
botocore s3transfer jmespath: boto3
six: python-dateutil
h11: uvicorn httpx
httpcore: httpx
sniffio: anyio httpx
sqlalchemy: flask-sqlalchemy sqlmodel alembic
mako: alembic
redis: celery rq django-redis
pytz: celery django babel
multidict yarl aiosignal frozenlist: aiohttp
greenlet: gevent sqlalchemy
packaging: setuptools
jinja2 pendulum croniter sqlalchemy alembic flask aiohttp tenacity: apache-airflow
huggingface_hub tokenizers safetensors: transformers
httpx: openai anthropic pydantic-ai pydantic-ai-slim
modelcluster taggit treebeard rest_framework willow django_filters: wagtail
pgtrigger: django-pghistory
jinja2 httpx email_validator multipart python_multipart: fastapi[standard] fastapi[all]
itsdangerous yaml ujson orjson pydantic_settings: fastapi[all]
boto3 botocore: smart-open[s3] smart-open[all]
tqdm: huggingface-hub transformers
"""
INSTALLED_WITH = _parsed(_INSTALLED_WITH)
"""Modules a declared framework always installs as its own dependency (`kombu` with celery), or one of its extras
does (`jinja2` with `fastapi[standard]`: declarations name each requirement's extras that way too)."""

DEVELOPMENT_TOOLS = frozenset({
    "pytest", "hypothesis", "factory", "faker", "mock", "responses", "freezegun", "time_machine", "ipdb", "pudb",
    "IPython", "debugpy", "pydevd", "pydevd_pycharm", "locust", "invoke", "fabric", "nox", "tox", "black", "ruff",
    "mypy", "pylint", "flake8", "isort", "coverage", "sphinx", "mkdocs", "debug_toolbar", "model_bakery",
    "pytest_django", "testcontainers", "moto", "vcr", "httpretty", "requests_mock", "respx", "aioresponses",
    "pyfakefs", "syrupy", "snapshottest", "memory_profiler", "line_profiler", "pyinstrument", "watchdog"})
"""Test, debugging and task-runner modules: outside tests/ they sit in dev-only code (a debug helper, an
invoke tasks file, the debug toolbar under DEBUG) far more often than in what production imports."""

INSTALLER_TOOLS = frozenset({"pip", "setuptools", "pkg_resources", "wheel"})
"""Installed with pip into most environments and images (no longer into Python 3.12+ venvs)."""

RUNTIME_PROVIDED = {
    "google.appengine": "App Engine's Python 2 runtime provides it (on Python 3 it is appengine-python-standard)",
    "uwsgi": "the uWSGI server provides it inside its own workers", "uwsgidecorators": "it ships with the uWSGI server",
}
"""Modules the platform or server running the code provides, rather than an installed distribution."""
