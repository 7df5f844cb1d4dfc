//! Borrowing the bytes of any Python object that supports the buffer protocol.
//!
//! PyO3's `PyBuffer` boxes every `Py_buffer`; this guard keeps it on the stack because the
//! borrow happens on every `validate()`/`process()` call, where per-call cost matters.

use pyo3::exceptions::{PyBufferError, PyTypeError, PyValueError};
use pyo3::ffi;
use pyo3::prelude::*;
use std::mem::MaybeUninit;

/// A held buffer export of a contiguous byte buffer; released on drop.
pub struct BorrowedBuffer {
    view: ffi::Py_buffer,
}

impl BorrowedBuffer {
    /// Borrows the bytes of `obj`, which must be a C-contiguous buffer (and writable when
    /// `writable` is set). Anything else raises `TypeError` naming what was wrong.
    pub fn get(obj: &Bound<'_, PyAny>, writable: bool, what: &str) -> PyResult<Self> {
        let flags = if writable {
            ffi::PyBUF_WRITABLE
        } else {
            ffi::PyBUF_SIMPLE
        };
        let mut view = MaybeUninit::<ffi::Py_buffer>::zeroed();
        // SAFETY: obj is a live object (we hold a Bound, so the GIL/thread state is attached);
        // `view` is writable storage for one Py_buffer, filled on success.
        let rc = unsafe { ffi::PyObject_GetBuffer(obj.as_ptr(), view.as_mut_ptr(), flags) };
        if rc != 0 {
            let py = obj.py();
            let err = PyErr::fetch(py);
            let type_name = obj
                .get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "?".into());
            // Non-buffers raise TypeError already; exporters refuse a non-contiguous or a
            // read-only export with BufferError, which we report as the type problem it is.
            // PyPy refuses a writable export of a read-only object with ValueError instead.
            if err.is_instance_of::<PyTypeError>(py)
                || err.is_instance_of::<PyBufferError>(py)
                || (writable && err.is_instance_of::<PyValueError>(py) && is_readonly_buffer(obj))
            {
                let need = if writable {
                    "a writable C-contiguous buffer (bytearray, writable memoryview)"
                } else {
                    "a C-contiguous bytes-like object (bytes, bytearray, memoryview)"
                };
                let e = PyTypeError::new_err(format!("{what} needs {need}, not {type_name}"));
                e.set_cause(py, Some(err));
                return Err(e);
            }
            return Err(err);
        }
        // SAFETY: PyObject_GetBuffer returned 0, so it initialised the view.
        let view = unsafe { view.assume_init() };
        Ok(Self { view })
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        // Py_ssize_t length of a successful export is never negative.
        self.view.len as usize
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.view.buf as *mut u8
    }

    pub fn as_slice(&self) -> &[u8] {
        if self.is_empty() {
            return &[];
        }
        // SAFETY: the export holds `len` contiguous bytes at `buf` alive until we release it
        // in drop, which cannot happen while this borrow of self lives.
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len()) }
    }
}

/// Whether `obj` exports a read-only buffer: a ValueError from a writable request is then the
/// refusal of writing (PyPy's), not some other failure (e.g. a released memoryview) to pass on.
fn is_readonly_buffer(obj: &Bound<'_, PyAny>) -> bool {
    BorrowedBuffer::get(obj, false, "").is_ok_and(|buf| buf.view.readonly != 0)
}

impl Drop for BorrowedBuffer {
    fn drop(&mut self) {
        // SAFETY: the view was filled by a successful PyObject_GetBuffer and is released once.
        // Drop runs where the value was created, with the thread attached to the interpreter.
        unsafe { ffi::PyBuffer_Release(&mut self.view) }
    }
}
