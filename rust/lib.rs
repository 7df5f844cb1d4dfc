//! NVX: the native core of autobahn's WebSocket hot path, as the Python extension
//! module `autobahn._nvx`. Public names are re-exported by `autobahn.nvx`; the pure-Python
//! twins live in `autobahn.websocket._utf8validator_py` and `_xormasker_py`.
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod buffer;
pub mod mask;
pub mod utf8;

use buffer::BorrowedBuffer;
use pyo3::exceptions::PyValueError;
use pyo3::ffi;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyTuple};

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
    fn validate<'py>(&mut self, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
        let py = data.py();
        let verdict = if let Ok(bytes) = data.cast::<PyBytes>() {
            self.state.validate(bytes.as_bytes(), utf8::scalar)
        } else {
            let buf = BorrowedBuffer::get(data, false, "Utf8Validator.validate()")?;
            self.state.validate(buf.as_slice(), utf8::scalar)
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
fn mask_from(obj: &Bound<'_, PyAny>) -> PyResult<[u8; 4]> {
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
        let out = unsafe { ffi::PyBytes_FromStringAndSize(std::ptr::null(), len as ffi::Py_ssize_t) };
        if out.is_null() {
            return Err(PyErr::fetch(py));
        }
        // SAFETY: `out` is a new reference to a bytes object we own exclusively.
        let out = unsafe { Bound::from_owned_ptr(py, out).cast_into_unchecked::<PyBytes>() };
        // SAFETY: PyBytes_AsString of a bytes object points to its `len` bytes of storage,
        // which nobody else can see yet; `src` is a distinct live buffer of `len` bytes.
        unsafe {
            let dst = ffi::PyBytes_AsString(out.as_ptr()) as *mut u8;
            mask::scalar(src.as_ptr(), dst, len, mask::rotated(self.mask, self.pointer));
        }
        self.pointer += len as u64;
        Ok(out)
    }

    /// Mask a bytearray or writable memoryview in place (no copy).
    fn process_inplace(&mut self, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let buf = BorrowedBuffer::get(data, true, "XorMasker.process_inplace()")?;
        if buf.len() > 0 {
            // SAFETY: the export is writable, contiguous and `len` bytes long, and stays
            // exported (so the object cannot resize) until `buf` drops.
            let data = unsafe { std::slice::from_raw_parts_mut(buf.as_ptr(), buf.len()) };
            mask::xor_in_place(data, self.mask, self.pointer, mask::scalar);
        }
        self.pointer += buf.len() as u64;
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
    info.set_item("utf8_kernel", "scalar")?;
    info.set_item("xor_kernel", "scalar")?;
    Ok(info)
}

#[pymodule(gil_used = false)]
fn _nvx(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Utf8Validator>()?;
    m.add_class::<XorMasker>()?;
    m.add_function(wrap_pyfunction!(build_info, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
