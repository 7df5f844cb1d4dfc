//! A string in the binary that says which Python ABI it was built for, so the release gate
//! (`.ci/artifacts.py`) can check a wheel's tag against its content without importing it: a
//! free-threaded extension in a `cp314` slot, or an abi3 one in a `cp314t` slot, cannot load.

#[cfg(PyPy)]
macro_rules! implementation {
    () => {
        "pypy"
    };
}
#[cfg(not(PyPy))]
macro_rules! implementation {
    () => {
        "cpython"
    };
}

#[cfg(Py_LIMITED_API)]
macro_rules! api {
    () => {
        "abi3"
    };
}
#[cfg(not(Py_LIMITED_API))]
macro_rules! api {
    () => {
        "version-specific"
    };
}

#[cfg(Py_GIL_DISABLED)]
macro_rules! gil {
    () => {
        "disabled"
    };
}
#[cfg(not(Py_GIL_DISABLED))]
macro_rules! gil {
    () => {
        "enabled"
    };
}

/// `autobahn-nvx-build:impl=…;api=…;gil=…;` (kept by `#[used]` although nothing reads it).
#[used]
pub static BUILD_MARKER: &[u8] = concat!(
    "autobahn-nvx-build:impl=",
    implementation!(),
    ";api=",
    api!(),
    ";gil=",
    gil!(),
    ";\0"
)
.as_bytes();
