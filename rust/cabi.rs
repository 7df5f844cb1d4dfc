//! A C ABI over the kernels, for PyPy. There every call into the PyO3 module goes through
//! PyPy's emulation of the CPython C API (about 1 µs, and a copy of each `bytes` argument),
//! while its JIT calls plain C functions through CFFI almost for free.
//! `autobahn/websocket/_nvx_cffi.py` opens this same library with `ffi.dlopen` and calls
//! these; they run the kernel set chosen by `dispatch` (so `select_kernels` applies).

use crate::{dispatch, mask};

/// Checks the `len` bytes at `data`, which start on a code point boundary, with the selected
/// UTF-8 kernel. Returns how many bytes from the start form valid UTF-8 (`len` when all do).
/// When fewer, sets `*incomplete` to 1 if the rest is a valid but unfinished code point (the
/// input ends inside it), else to 0 (the rest starts with an invalid sequence).
///
/// # Safety
/// `data` must be valid for reads of `len` bytes (any pointer when `len` is 0), and
/// `incomplete` valid for a write of one byte.
#[no_mangle]
pub unsafe extern "C" fn autobahn_nvx_utf8_check(
    data: *const u8,
    len: usize,
    incomplete: *mut u8,
) -> usize {
    let bytes: &[u8] = if len == 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `len` readable bytes at `data`.
        unsafe { std::slice::from_raw_parts(data, len) }
    };
    match (dispatch::current().utf8)(bytes) {
        Ok(()) => len,
        Err(fault) => {
            // SAFETY: the caller guarantees `incomplete` is writable.
            unsafe { *incomplete = u8::from(fault.error_len.is_none()) };
            fault.valid_up_to
        }
    }
}

/// Writes `src[i] ^ mask[(pointer + i) % 4]` to `dst[i]` for `i < len`, where `mask` holds
/// the 4 mask bytes little-endian, with the selected masking kernel.
///
/// # Safety
/// `src` must be valid for reads and `dst` for writes of `len` bytes; they are either the
/// same pointer (masking in place) or do not overlap.
#[no_mangle]
pub unsafe extern "C" fn autobahn_nvx_xor(
    src: *const u8,
    dst: *mut u8,
    len: usize,
    mask: u32,
    pointer: u64,
) {
    let kernel = dispatch::current().xor;
    // SAFETY: the caller's guarantees are the kernel's (see mask::XorFn); the dispatcher
    // offers only kernels this CPU runs.
    unsafe { kernel(src, dst, len, mask::rotated(mask.to_le_bytes(), pointer)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(data: &[u8]) -> (usize, u8) {
        let mut incomplete = 9;
        // SAFETY: a live slice and a local byte.
        let n = unsafe { autobahn_nvx_utf8_check(data.as_ptr(), data.len(), &mut incomplete) };
        (n, incomplete)
    }

    #[test]
    fn utf8_check_reports_valid_incomplete_and_invalid() {
        assert_eq!(check(b""), (0, 9));
        assert_eq!(check("aé€😀".as_bytes()), (10, 9));
        assert_eq!(check(b"ab\xe2\x82"), (2, 1));
        assert_eq!(check(b"ab\xed\xa0\x80"), (2, 0));
        assert_eq!(check(b"\xff"), (0, 0));
    }

    #[test]
    fn xor_continues_at_pointer_in_place_and_copying() {
        let mask = u32::from_le_bytes([1, 2, 4, 8]);
        let src = [0u8; 11];
        let mut dst = [0u8; 11];
        // SAFETY: distinct live arrays of 11 bytes.
        unsafe { autobahn_nvx_xor(src.as_ptr(), dst.as_mut_ptr(), 11, mask, 3) };
        assert_eq!(dst, [8, 1, 2, 4, 8, 1, 2, 4, 8, 1, 2]);
        let ptr = dst.as_mut_ptr();
        // SAFETY: in place over the same live array.
        unsafe { autobahn_nvx_xor(ptr, ptr, 11, mask, 3) };
        assert_eq!(dst, [0; 11]);
    }
}
