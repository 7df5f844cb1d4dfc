//! XOR masking of WebSocket payloads (RFC 6455 §5.3): byte `i` of a frame is XORed with
//! `mask[i % 4]`, continuing across calls from the masker's current position.

/// The mask rotated so that its byte 0 applies to the first byte at stream position `pointer`.
#[inline]
pub fn rotated(mask: [u8; 4], pointer: u64) -> [u8; 4] {
    let phase = (pointer & 3) as usize;
    [
        mask[phase],
        mask[(phase + 1) & 3],
        mask[(phase + 2) & 3],
        mask[(phase + 3) & 3],
    ]
}

/// A masking kernel: writes `src[i] ^ mask[i % 4]` to `dst[i]` for `i < len`.
///
/// # Safety
/// `src` must be valid for reads and `dst` for writes of `len` bytes; they are either
/// the same pointer (in-place masking) or do not overlap.
pub type XorFn = unsafe fn(src: *const u8, dst: *mut u8, len: usize, mask: [u8; 4]);

/// The portable kernel: 8 bytes at a time (the compiler vectorises this loop with the
/// architecture's baseline SIMD), then a byte tail.
///
/// # Safety
/// See [`XorFn`].
pub unsafe fn scalar(src: *const u8, dst: *mut u8, len: usize, mask: [u8; 4]) {
    let word = u64::from_ne_bytes([
        mask[0], mask[1], mask[2], mask[3], mask[0], mask[1], mask[2], mask[3],
    ]);
    let mut i = 0;
    while i + 8 <= len {
        // SAFETY: i + 8 <= len, so both 8-byte accesses stay inside the caller's buffers;
        // unaligned accesses are used because Python buffers have no alignment guarantee.
        unsafe {
            let x = (src.add(i) as *const u64).read_unaligned() ^ word;
            (dst.add(i) as *mut u64).write_unaligned(x);
        }
        i += 8;
    }
    while i < len {
        // SAFETY: i < len.
        unsafe { *dst.add(i) = *src.add(i) ^ mask[i & 3] };
        i += 1;
    }
}

/// Masks `data` in place with `mask` rotated to stream position `pointer`, using `kernel`.
pub fn xor_in_place(data: &mut [u8], mask: [u8; 4], pointer: u64, kernel: XorFn) {
    let ptr = data.as_mut_ptr();
    // SAFETY: src and dst are the same valid, writable slice of data.len() bytes.
    unsafe { kernel(ptr, ptr, data.len(), rotated(mask, pointer)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(data: &[u8], mask: [u8; 4], pointer: u64) -> Vec<u8> {
        data.iter()
            .enumerate()
            .map(|(i, b)| b ^ mask[((pointer + i as u64) & 3) as usize])
            .collect()
    }

    #[test]
    fn every_length_and_phase() {
        let mask = [0x12, 0x34, 0x56, 0x78];
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            for pointer in 0..4 {
                let mut buf = data[..len].to_vec();
                xor_in_place(&mut buf, mask, pointer, scalar);
                assert_eq!(buf, reference(&data[..len], mask, pointer), "len {len} pointer {pointer}");
            }
        }
    }
}
