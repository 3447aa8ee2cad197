"""A literal's shape decides how sure a secret finding is: a provider's token format, a generated-looking value,
or a word (names, labels, guessable passwords and the placeholder classes the rule docs list)."""

from __future__ import annotations

import pytest

from twelvefactor_lint.analyze.secret_shape import (
    BROWSER_KEY,
    HASH,
    INSECURE_MARKER,
    PROVIDER,
    RANDOM,
    TEST_KEY,
    WORD,
    not_a_secret,
    public_url,
    secret_shape,
)


@pytest.mark.parametrize("value", [
    "AKIA4J7QZ2XWVN5RT3KM",                                   # AWS access key id
    "ASIA4J7QZ2XWVN5RT3KM",                                   # AWS temporary key id
    "ghp_4Fq9ZtR2mXv8LpK3sW7yB1nC6dH0jU5eA2gT",               # GitHub
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOP",
    "glpat-c0rrectH0rseBattery9",                             # GitLab
    "xoxb-2718281828-3141592653-AbCdEfGhIjKlMnOpQrStUvWx",    # Slack
    "sk_live_51H8xYzAbCdEfGhIjKlMn",                          # Stripe
    "AIzaSyD4f8Qx2LmN7pR9tV1wZ3bC5dE6gH0jK2m",                # Google API key
    "SG.k3J9xQ2mZ7vL4nR8wT1yB6.pH5dF0sA9gK2jL7qW3eR8tY1uI6oP4zX",  # SendGrid
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",  # JWT
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Vj3xQ2mZ7vL4nR8wT1yB6pH5dF0sA9gK2jL7qW3eR8tY1uI6oP4\n",
])
def test_provider_formats(value):
    assert secret_shape(value) == PROVIDER


@pytest.mark.parametrize("value", [
    "8x#k2!p@q9z$w3m5n7v1b4c6x8z0a2s4d6f8",                  # a Django-style generated key
    "kR3jT9zQwX2vL8mN4pB6yH1cF5dG7sA0",                     # base62
    "a8f5f167f44f4964e6c998dee827110c",                     # token_hex
    "Zm9vYmFyYmF6cXV4cXV1eGNvcmdl",                         # base64
])
def test_generated_values_look_random(value):
    assert secret_shape(value) == RANDOM


@pytest.mark.parametrize("value", [
    "$2b$12$ZWqpL73h4rGNfLkJohAFAu0isqSw/bX9p/tzpbWRz/To5FAftaW8u",                        # bcrypt
    "pbkdf2_sha256$600000$Xk3Rz9QpL2mN$k2V8qX3mZ7vL4nR8wT1yB6pH5dF0sA9gK2jL7qW3eR8=",      # Django
    "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$Vn3sA9gK2jL7qW3eR8tY1u",           # Django's argon2
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",        # argon2 (passlib)
    "pbkdf2:sha256:600000$kR3jT9zQ$a8f5f167f44f4964e6c998dee827110c",                     # Werkzeug
    "$6$rounds=5000$kR3jT9zQwX2v$L8mN4pB6yH1cF5dG7sA0k2V8qX3mZ7vL4nR8wT1yB6",            # SHA-512 crypt
])
def test_password_hashes_are_hashes(value):
    assert secret_shape(value) == HASH


@pytest.mark.parametrize("value", ["$2b$", "pbkdf2_sha256", "$ecret-Passw0rd$2024", "md5$"])
def test_hash_prefixes_alone_are_no_hashes(value):
    assert secret_shape(value) != HASH


@pytest.mark.parametrize("value", [
    "mediacms", "accounts-pwd", "securitymonkeypassword",      # words, kebab names
    "change_password", "password-reset-token", "MISSING_ACCESS_TOKEN",  # snake and kebab names
    "my_super_secret_key_2023", "fastapi-secret-key-2024",    # words and a year
    "MyCompanySecretKeyValue", "SomeStripeKey",               # CamelCase words
    "aaaaaaaaaaaaaaaaaaaa", "abcabcabcabcabcabc",             # repeated characters and units
    "0123456789abcdef0123456789abcdef",                       # a repeated run
    "123e4567-e89b-12d3-a456-426614174000",                   # a UUID used as an id
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  # sha256 of nothing
    "d41d8cd98f00b204e9800998ecf8427e",                       # md5 of nothing
    "P@ssw0rd", "Tr0ub4dor&3", "tralala",                     # short guessable passwords
    "1234567890123456",                                       # digits only
    "[REDACTED]", "[TURN_END]", "[REDACTED_SECRET]",          # markers
    "securepassword123", "Password2024!",                     # words with a few digits: typed, not generated
    "OAuth2PasswordBearer", "s3BucketNameForUploads",         # identifiers: camel-case words around digits
    "sk_live_short", "ghp_short", "AKIA123",                  # a provider's prefix alone
])
def test_words_names_and_placeholders_are_words(value):
    assert secret_shape(value) == WORD


@pytest.mark.parametrize("value", [
    "pk_live_51H8xYzAbCdEfGhIjKlMn",                          # Stripe publishable key: ships in the browser
    "phc_k3J9xQ2mZ7vL4nR8wT1yB6pH5dF0sA9gK2jL7qW3eR8",       # PostHog project key: write-only ingestion
    r"[!#$%&'*+.^_`|~A-Za-z0-9-]+",                           # a regular expression's character class
    r"^(?P<user>\w+):(?P<token>[0-9a-f]{32})$",
])
def test_publishable_keys_and_patterns_are_no_secret(value):
    assert not_a_secret(value)
    assert secret_shape(value) != RANDOM


@pytest.mark.parametrize("value", ["sk_live_51H8xYzAbCdEfGhIjKlMn", "kR3jT9zQwX2vL8mN4pB6yH1cF5dG7sA0",
                                   "django-insecure-8x#k2!p@q9z$w3m5n7v1b4c6x8z0a2s4d6f8"])
def test_secret_keys_are_not_mistaken_for_public_ones(value):
    assert not not_a_secret(value)


@pytest.mark.parametrize("value", [
    "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe",  # Google's reCAPTCHA test secret: random-looking
    "1x0000000000000000000000000000000AA",       # Cloudflare Turnstile's always-passing test secret
    "AKIAIOSFODNN7EXAMPLE",                      # the AWS docs' example key id: a provider's format
])
def test_published_test_keys_are_test_keys(value):
    assert secret_shape(value) == TEST_KEY


@pytest.mark.parametrize("value", [
    "django-insecure-8x#k2!p@q9z$w3m5n7v1b4c6x8z0a2s4d6f8",  # what `startproject` writes
    "django-insecure-RMLYThim9NybWgXiUGat32Aa0Qbgqscf4NPDQuZO2glcZPOiXn",
])
def test_djangos_insecure_prefix_marks_a_placeholder_key(value):
    assert secret_shape(value) == INSECURE_MARKER


@pytest.mark.parametrize("key, shape", [
    ("GOOGLE_MAP_API_KEY", BROWSER_KEY), ("GOOGLE_MAPS_API_KEY", BROWSER_KEY), ("gmapsApiKey", BROWSER_KEY),
    ("PLACES_API_KEY", BROWSER_KEY), ("GOOGLE_API_KEY", PROVIDER), ("SITEMAP_KEY", PROVIDER), ("", PROVIDER),
])
def test_a_google_key_named_for_maps_is_a_browser_key(key, shape):
    assert secret_shape("AIzaSyD4f8Qx2LmN7pR9tV1wZ3bC5dE6gH0jK2m", key) == shape


def test_a_key_like_a_published_one_is_not_a_test_key():
    assert secret_shape("6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WiXXXX") == RANDOM


@pytest.mark.parametrize("value, public", [
    ("https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken", True),  # QAnything's TIKTOKEN_URL
    ("https://pypi.org/simple", True),
    ("https://example.org/download?version=2", True),
    ("https://deploy:s3cr3t@pypi.example.com/simple", False),  # a user and password before the host
    ("https://api.example.org/feed?access_token=Zq8rT2vLw9XmK4pN7bY1", False),  # a credential parameter
    ("https://hooks.slack.com/services/T024BE7LD/B01ABCDEFGH/aBcD1234eFgH5678iJkL9012", False),  # a webhook's token
    ("https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage", False),
    ("https://ghp_4Fq9ZtR2mXv8LpK3sW7yB1nC6dH0jU5eA2gT@github.com/org/repo", False),
    ("not a url", False),
])
def test_a_public_url_carries_no_credential(value, public):
    assert public_url(value) is public
