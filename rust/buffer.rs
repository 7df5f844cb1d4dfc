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

/// With an embedded CPython: `cargo test --features python-tests` (tests/test_rust.py).
#[cfg(all(test, feature = "python-tests"))]
mod tests {
    use super::*;

    fn with_python(test: impl for<'py> FnOnce(Python<'py>) -> PyResult<()>) {
        Python::initialize();
        Python::attach(test).expect("the test raised");
    }

    fn eval<'py>(py: Python<'py>, expression: &str) -> PyResult<Bound<'py, PyAny>> {
        py.eval(&std::ffi::CString::new(expression).unwrap(), None, None)
    }

    #[test]
    fn borrows_the_bytes_of_contiguous_buffers() {
        with_python(|py| {
            for (expression, writable) in [
                ("b'abc'", false),
                ("bytearray(b'abc')", true),
                ("memoryview(b'xabcx')[1:4]", false),
                ("memoryview(bytearray(b'abc'))", true),
            ] {
                let obj = eval(py, expression)?;
                let buf = BorrowedBuffer::get(&obj, writable, "test")?;
                assert_eq!(buf.as_slice(), b"abc", "{expression}");
                assert_eq!((buf.len(), buf.is_empty()), (3, false));
            }
            let empty = BorrowedBuffer::get(&eval(py, "b''")?, false, "test")?;
            assert_eq!((empty.as_slice(), empty.is_empty()), (&b""[..], true));
            Ok(())
        });
    }

    #[test]
    fn refusals_are_type_errors_that_say_what_is_needed() {
        with_python(|py| {
            for (expression, writable, needs) in [
                ("42", false, "a C-contiguous bytes-like object"),
                ("'text'", false, "a C-contiguous bytes-like object"),
                (
                    "memoryview(b'abcdef')[::2]",
                    false,
                    "a C-contiguous bytes-like object",
                ),
                ("b'abc'", true, "a writable C-contiguous buffer"),
                (
                    "memoryview(bytearray(b'abcdef'))[::2]",
                    true,
                    "a writable C-contiguous buffer",
                ),
            ] {
                let obj = eval(py, expression)?;
                let err = BorrowedBuffer::get(&obj, writable, "Thing.call()")
                    .err()
                    .expect("refused");
                assert!(err.is_instance_of::<PyTypeError>(py), "{expression}: {err}");
                let message = err.value(py).to_string();
                assert!(
                    message.starts_with(&format!("Thing.call() needs {needs}")),
                    "{message}"
                );
                assert!(
                    err.cause(py).is_some(),
                    "{expression}: the exporter's error is kept as the cause"
                );
            }
            Ok(())
        });
    }

    #[test]
    fn other_failures_pass_through() {
        with_python(|py| {
            // A released memoryview: ValueError from the exporter, not a type problem.
            let view = eval(py, "memoryview(b'abc')")?;
            view.call_method0("release")?;
            let err = BorrowedBuffer::get(&view, false, "test")
                .err()
                .expect("refused");
            assert!(err.is_instance_of::<PyValueError>(py), "{err}");
            Ok(())
        });
    }

    #[test]
    fn the_export_is_held_until_dropped() {
        with_python(|py| {
            let array = eval(py, "bytearray(b'abc')")?;
            let buf = BorrowedBuffer::get(&array, true, "test")?;
            // While exported, a bytearray cannot resize (BufferError).
            assert!(array.call_method1("extend", (b"x",)).is_err());
            drop(buf);
            array.call_method1("extend", (b"x",))?;
            assert_eq!(array.len()?, 4);
            Ok(())
        });
    }
}
