//! NVX: the native core of autobahn's WebSocket hot path, as the Python extension
//! module `autobahn._nvx`. Public names are re-exported by `autobahn.nvx`; the pure-Python
//! twins live in `autobahn.websocket._utf8validator_py` and `_xormasker_py`.
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod buffer;
pub mod build_marker;
pub mod cabi;
pub mod dispatch;
pub mod frame;
pub mod mask;
pub mod utf8;
pub mod utf8_avx512;

use buffer::BorrowedBuffer;
use dispatch::Level;
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyTuple};

/// Inputs at least this large are processed with the GIL released (the thread detached from
/// the interpreter), so other threads run meanwhile. Detaching and re-attaching costs about
/// 0.2 µs: ~4% of validating 64 KiB at 30 GB/s, more than the work itself for small frames.
const DETACH_MIN_BYTES: usize = 64 * 1024;

/// Runs `work` detached from the interpreter when `len` is large, attached otherwise.
#[inline]
fn run_maybe_detached<T: Send>(py: Python<'_>, len: usize, work: impl FnOnce() -> T + Send) -> T {
    if len >= DETACH_MIN_BYTES {
        py.detach(work)
    } else {
        work()
    }
}

/// A pointer that may cross into a detached section: the buffer it points into is kept
/// alive and unresizable by a buffer export (or a reference to a new bytes object) held
/// by the caller for the whole section.
#[derive(Clone, Copy)]
struct SendPtr<T>(*mut T);
// SAFETY: see the type's documentation; the pointee outlives the detached section.
unsafe impl<T> Send for SendPtr<T> {}

/// Incremental UTF-8 validator; see `autobahn.websocket.utf8validator` for the contract.
#[pyclass(module = "autobahn.nvx")]
struct Utf8Validator {
    state: utf8::Utf8State,
}

#[pymethods]
impl Utf8Validator {
    #[new]
    fn new() -> Self {
        Self {
            state: utf8::Utf8State::default(),
        }
    }

    /// Forget all input: start a new message.
    fn reset(&mut self) {
        self.state.reset();
    }

    /// Validate the next chunk: returns (valid, endsOnCodePoint, currentIndex, totalIndex).
    /// The argument is called `ba`, as in autobahn (callers may pass it by keyword).
    fn validate<'py>(&mut self, ba: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        let py = ba.py();
        let check = dispatch::current().utf8;
        let state = &mut self.state;
        let verdict = if let Ok(bytes) = ba.cast::<PyBytes>() {
            let bytes = bytes.as_bytes();
            run_maybe_detached(py, bytes.len(), || state.validate(bytes, check))
        } else {
            let buf = BorrowedBuffer::get(ba, false, "Utf8Validator.validate()")?;
            let bytes = buf.as_slice();
            run_maybe_detached(py, bytes.len(), || state.validate(bytes, check))
        };
        (
            verdict.valid,
            verdict.ends_on_code_point,
            verdict.index,
            verdict.total,
        )
            .into_pyobject(py)
    }
}

/// Reads a 4-byte WebSocket mask from any bytes-like object.
pub(crate) fn mask_from(obj: &Bound<'_, PyAny>) -> PyResult<[u8; 4]> {
    let buf = BorrowedBuffer::get(obj, false, "XorMasker(mask)")?;
    <[u8; 4]>::try_from(buf.as_slice()).map_err(|_| {
        PyValueError::new_err(format!(
            "a WebSocket mask must be exactly 4 bytes, got {}",
            buf.len()
        ))
    })
}

/// XOR masker with a 4-byte mask, continuing across calls.
#[pyclass(module = "autobahn.nvx")]
struct XorMasker {
    mask: [u8; 4],
    pointer: u64,
}

#[pymethods]
impl XorMasker {
    #[new]
    fn new(mask: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(Self {
            mask: mask_from(mask)?,
            pointer: 0,
        })
    }

    /// Bytes processed since creation or the last reset.
    fn pointer(&self) -> u64 {
        self.pointer
    }

    /// Start over at mask byte 0.
    fn reset(&mut self) {
        self.pointer = 0;
    }

    /// Return `data` masked as new bytes; `data` itself is not modified.
    fn process<'py>(&mut self, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
        let py = data.py();
        let held;
        let src: &[u8] = if let Ok(bytes) = data.cast::<PyBytes>() {
            bytes.as_bytes()
        } else {
            held = BorrowedBuffer::get(data, false, "XorMasker.process()")?;
            held.as_slice()
        };
        let len = src.len();
        // SAFETY: a NULL source asks CPython for a new, uninitialised bytes object of `len`
        // bytes; a null result means MemoryError was raised.
        let out =
            unsafe { ffi::PyBytes_FromStringAndSize(std::ptr::null(), len as ffi::Py_ssize_t) };
        if out.is_null() {
            return Err(PyErr::fetch(py));
        }
        // SAFETY: `out` is a new reference to a bytes object we own exclusively.
        let out = unsafe { Bound::from_owned_ptr(py, out).cast_into_unchecked::<PyBytes>() };
        // SAFETY: PyBytes_AsString of a bytes object points to its `len` bytes of storage,
        // which nobody else can see yet.
        let dst = SendPtr(unsafe { ffi::PyBytes_AsString(out.as_ptr()) } as *mut u8);
        let src_ptr = SendPtr(src.as_ptr() as *mut u8);
        let (xor, mask) = (
            dispatch::current().xor,
            mask::rotated(self.mask, self.pointer),
        );
        run_maybe_detached(py, len, move || {
            let (src, dst) = (src_ptr, dst);
            // SAFETY: `src` is a live buffer of `len` bytes (held by `data` or `held`),
            // `dst` the distinct, exclusively owned storage of `out`; the kernel was chosen
            // for this CPU by the dispatcher.
            unsafe { xor(src.0, dst.0, len, mask) }
        });
        self.pointer += len as u64;
        Ok(out)
    }

    /// Mask a bytearray or writable memoryview in place (no copy).
    fn process_inplace(&mut self, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let (xor, mask) = (
            dispatch::current().xor,
            mask::rotated(self.mask, self.pointer),
        );
        // Small bytearrays (the common frame buffer) skip the buffer export, which would
        // cost about as much as masking them.
        #[cfg(not(Py_GIL_DISABLED))]
        if let Ok(array) = data.cast_exact::<PyByteArray>() {
            let len = array.len();
            if len < DETACH_MIN_BYTES {
                // SAFETY: we hold the GIL and run no Python code until the kernel returns, so
                // nothing can resize or free the bytearray's `len` bytes meanwhile.
                unsafe { xor(array.data(), array.data(), len, mask) };
                self.pointer += len as u64;
                return Ok(());
            }
        }
        let buf = BorrowedBuffer::get(data, true, "XorMasker.process_inplace()")?;
        let len = buf.len();
        let ptr = SendPtr(buf.as_ptr());
        run_maybe_detached(data.py(), len, move || {
            let ptr = ptr;
            // SAFETY: the export is writable, contiguous and `len` bytes long, and stays
            // exported (so the object cannot resize or free it) until `buf` drops, after this.
            unsafe { xor(ptr.0, ptr.0, len, mask) }
        });
        self.pointer += len as u64;
        Ok(())
    }
}

/// How this module was built and which kernels run on this CPU.
#[pyfunction]
fn build_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let info = PyDict::new(py);
    info.set_item("version", env!("CARGO_PKG_VERSION"))?;
    info.set_item("target_arch", std::env::consts::ARCH)?;
    info.set_item("target_os", std::env::consts::OS)?;
    info.set_item("debug", cfg!(debug_assertions))?;
    let level = dispatch::current();
    info.set_item("simd", level.name)?;
    info.set_item("utf8_kernel", level.utf8_kernel)?;
    info.set_item("xor_kernel", level.xor_kernel)?;
    info.set_item("simd_supported", supported_kernels())?;
    let compiled: Vec<&str> = dispatch::LEVELS.iter().map(|l| l.name).collect();
    info.set_item("simd_compiled", compiled)?;
    info.set_item("gil_release_min_bytes", DETACH_MIN_BYTES)?;
    Ok(info)
}

/// Names of the kernel sets this CPU can run, slowest first (`select_kernels` accepts them).
#[pyfunction]
fn supported_kernels() -> Vec<&'static str> {
    dispatch::LEVELS
        .iter()
        .filter(|l| l.supported())
        .map(|l| l.name)
        .collect()
}

/// Switch every validator and masker to the kernel set `name` ("auto" = the best this CPU
/// supports); returns the name of the set that was in use. For tests and benchmarks.
#[pyfunction]
fn select_kernels(name: &str) -> PyResult<&'static str> {
    let previous = dispatch::current().name;
    dispatch::select(name).map_err(PyValueError::new_err)?;
    Ok(previous)
}

/// Apply AUTOBAHN_NVX_SIMD (forces a kernel set) once, at import.
fn select_from_environment() -> PyResult<&'static Level> {
    match std::env::var("AUTOBAHN_NVX_SIMD") {
        Ok(value) => dispatch::select(&value)
            .map_err(|e| PyValueError::new_err(format!("AUTOBAHN_NVX_SIMD={value:?}: {e}"))),
        Err(_) => Ok(dispatch::current()),
    }
}

#[pymodule(gil_used = false)]
fn _nvx(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Utf8Validator>()?;
    m.add_class::<XorMasker>()?;
    m.add_class::<frame::python::FrameParser>()?;
    m.add_function(wrap_pyfunction!(build_info, m)?)?;
    m.add_function(wrap_pyfunction!(supported_kernels, m)?)?;
    m.add_function(wrap_pyfunction!(select_kernels, m)?)?;
    select_from_environment()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// The bindings with an embedded CPython: `cargo test --features python-tests`
/// (tests/test_rust.py). The pure-Python twins' agreement is tested from Python; these check what
/// only this file does: the continuation state across calls, the detached path for large inputs,
/// the fast paths for bytes and small bytearrays against the buffer-export path, and build_info.
#[cfg(all(test, feature = "python-tests"))]
mod tests {
    use super::*;

    fn with_python(test: impl for<'py> FnOnce(Python<'py>) -> PyResult<()>) {
        Python::initialize();
        Python::attach(test).expect("the test raised");
    }

    fn reference_mask(data: &[u8], mask: [u8; 4], pointer: usize) -> Vec<u8> {
        data.iter()
            .enumerate()
            .map(|(i, b)| b ^ mask[(pointer + i) % 4])
            .collect()
    }

    #[test]
    fn masking_continues_across_calls_and_paths() {
        with_python(|py| {
            let mask = [1u8, 2, 3, 4];
            let mut masker = XorMasker::new(PyBytes::new(py, &mask).as_any())?;
            // Chunks through bytes, a small bytearray (no export), a large one (exported and
            // detached), a memoryview: one stream, one mask position.
            let data: Vec<u8> = (0..DETACH_MIN_BYTES as u32 + 999)
                .map(|i| (i * 31) as u8)
                .collect();
            let cuts = [0, 3, 10, 11, 11 + DETACH_MIN_BYTES, data.len()];
            let mut out = Vec::new();
            for (n, pair) in cuts.windows(2).enumerate() {
                let chunk = &data[pair[0]..pair[1]];
                match n % 3 {
                    0 => out.extend(masker.process(PyBytes::new(py, chunk).as_any())?.as_bytes()),
                    1 => {
                        let array = PyByteArray::new(py, chunk);
                        masker.process_inplace(array.as_any())?;
                        out.extend(array.to_vec());
                    }
                    _ => {
                        let view = py
                            .import("builtins")?
                            .getattr("memoryview")?
                            .call1((PyBytes::new(py, chunk),))?;
                        out.extend(masker.process(&view)?.as_bytes());
                    }
                }
            }
            assert_eq!(out, reference_mask(&data, mask, 0));
            assert_eq!(masker.pointer(), data.len() as u64);
            masker.reset();
            assert_eq!(masker.pointer(), 0);
            let again = masker.process(PyBytes::new(py, &data[..5]).as_any())?;
            assert_eq!(again.as_bytes(), &reference_mask(&data[..5], mask, 0)[..]);
            Ok(())
        });
    }

    #[test]
    fn a_mask_is_four_bytes() {
        with_python(|py| {
            for len in [0, 3, 5] {
                let err = XorMasker::new(PyBytes::new(py, &vec![0; len]).as_any())
                    .err()
                    .expect("refused");
                assert!(err.is_instance_of::<PyValueError>(py));
                assert_eq!(
                    err.value(py).to_string(),
                    format!("a WebSocket mask must be exactly 4 bytes, got {len}")
                );
            }
            Ok(())
        });
    }

    #[test]
    fn validation_state_spans_calls_and_the_detached_path() {
        with_python(|py| {
            let verdict = |v: &mut Utf8Validator,
                           data: &Bound<'_, PyAny>|
             -> PyResult<(bool, bool, usize, u64)> {
                v.validate(data)?.extract()
            };
            let mut validator = Utf8Validator::new();
            // A large chunk (detached) ending inside a code point, then its last bytes.
            let mut big = vec![b'a'; DETACH_MIN_BYTES];
            big.extend_from_slice(b"\xf0\x9f");
            let n = big.len();
            assert_eq!(
                verdict(&mut validator, PyBytes::new(py, &big).as_any())?,
                (true, false, n, n as u64)
            );
            assert_eq!(
                verdict(&mut validator, PyByteArray::new(py, b"\x98\x80!").as_any())?,
                (true, true, 3, n as u64 + 3)
            );
            // An error deep in a large bytearray: its exact position, and it sticks.
            validator.reset();
            let mut bad = vec![b'b'; DETACH_MIN_BYTES + 7];
            bad[DETACH_MIN_BYTES + 2] = 0xff;
            let at = DETACH_MIN_BYTES + 2;
            assert_eq!(
                verdict(&mut validator, PyByteArray::new(py, &bad).as_any())?,
                (false, false, at, at as u64)
            );
            assert_eq!(
                verdict(&mut validator, PyBytes::new(py, b"ok").as_any())?,
                (false, false, 0, at as u64)
            );
            Ok(())
        });
    }

    #[test]
    fn build_info_names_every_compiled_and_supported_level() {
        with_python(|py| {
            let info = build_info(py)?;
            let get = |key: &str| info.get_item(key).unwrap().expect(key);
            let compiled: Vec<String> = get("simd_compiled").extract()?;
            let supported: Vec<String> = get("simd_supported").extract()?;
            let names: Vec<String> = dispatch::LEVELS
                .iter()
                .map(|l| l.name.to_string())
                .collect();
            assert_eq!(compiled, names);
            assert!(supported.iter().all(|k| compiled.contains(k)));
            assert!(supported.contains(&get("simd").extract::<String>()?));
            assert_eq!(
                get("gil_release_min_bytes").extract::<usize>()?,
                DETACH_MIN_BYTES
            );
            Ok(())
        });
    }
}
