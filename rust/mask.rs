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

/// The 4-byte mask repeated to fill a vector register.
#[cfg(target_arch = "x86_64")]
#[inline]
fn mask_word(mask: [u8; 4]) -> i32 {
    i32::from_ne_bytes(mask)
}

/// x86-64 baseline (SSE2): 16 bytes per step, then the portable kernel for the tail.
///
/// # Safety
/// See [`XorFn`]; needs SSE2, which every x86-64 CPU has.
#[cfg(target_arch = "x86_64")]
pub unsafe fn sse2(src: *const u8, dst: *mut u8, len: usize, mask: [u8; 4]) {
    use core::arch::x86_64::*;
    // SAFETY: every load/store covers i..i+16 <= len of the caller's buffers (unaligned ops);
    // the tail call gets the remaining len - i bytes, still in bounds.
    unsafe {
        let m = _mm_set1_epi32(mask_word(mask));
        let mut i = 0;
        while i + 16 <= len {
            let x = _mm_loadu_si128(src.add(i) as *const __m128i);
            _mm_storeu_si128(dst.add(i) as *mut __m128i, _mm_xor_si128(x, m));
            i += 16;
        }
        scalar(src.add(i), dst.add(i), len - i, mask); // 16 is a multiple of 4: phase unchanged
    }
}

/// AVX2: 64 bytes per step (two registers), then 32, then the portable tail.
///
/// # Safety
/// See [`XorFn`]; the CPU must support AVX2 (checked by the dispatcher).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub unsafe fn avx2(src: *const u8, dst: *mut u8, len: usize, mask: [u8; 4]) {
    use core::arch::x86_64::*;
    // SAFETY: each access covers [i, i + width) with i + width <= len (unaligned ops).
    unsafe {
        let m = _mm256_set1_epi32(mask_word(mask));
        let mut i = 0;
        while i + 64 <= len {
            let a = _mm256_loadu_si256(src.add(i) as *const __m256i);
            let b = _mm256_loadu_si256(src.add(i + 32) as *const __m256i);
            _mm256_storeu_si256(dst.add(i) as *mut __m256i, _mm256_xor_si256(a, m));
            _mm256_storeu_si256(dst.add(i + 32) as *mut __m256i, _mm256_xor_si256(b, m));
            i += 64;
        }
        if i + 32 <= len {
            let a = _mm256_loadu_si256(src.add(i) as *const __m256i);
            _mm256_storeu_si256(dst.add(i) as *mut __m256i, _mm256_xor_si256(a, m));
            i += 32;
        }
        scalar(src.add(i), dst.add(i), len - i, mask);
    }
}

/// AVX-512: 128 bytes per step, then 64-byte steps; the tail (< 64 bytes) with one masked
/// load/store, so small frames need no scalar loop at all.
///
/// # Safety
/// See [`XorFn`]; the CPU must support AVX-512 F and BW (checked by the dispatcher).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw")]
pub unsafe fn avx512(src: *const u8, dst: *mut u8, len: usize, mask: [u8; 4]) {
    use core::arch::x86_64::*;
    // SAFETY: full-width accesses cover [i, i + 64) with i + 64 <= len; the masked tail
    // access touches only the len - i bytes its mask selects.
    unsafe {
        let m = _mm512_set1_epi32(mask_word(mask));
        let mut i = 0;
        while i + 128 <= len {
            let a = _mm512_loadu_si512(src.add(i) as *const _);
            let b = _mm512_loadu_si512(src.add(i + 64) as *const _);
            _mm512_storeu_si512(dst.add(i) as *mut _, _mm512_xor_si512(a, m));
            _mm512_storeu_si512(dst.add(i + 64) as *mut _, _mm512_xor_si512(b, m));
            i += 128;
        }
        while i + 64 <= len {
            let a = _mm512_loadu_si512(src.add(i) as *const _);
            _mm512_storeu_si512(dst.add(i) as *mut _, _mm512_xor_si512(a, m));
            i += 64;
        }
        if i < len {
            let k: __mmask64 = (1u64 << (len - i)) - 1;
            let a = _mm512_maskz_loadu_epi8(k, src.add(i) as *const i8);
            _mm512_mask_storeu_epi8(dst.add(i) as *mut i8, k, _mm512_xor_si512(a, m));
        }
    }
}

/// NEON (every aarch64 CPU): 16 bytes per step, then the portable tail.
///
/// # Safety
/// See [`XorFn`].
#[cfg(target_arch = "aarch64")]
pub unsafe fn neon(src: *const u8, dst: *mut u8, len: usize, mask: [u8; 4]) {
    use core::arch::aarch64::*;
    // SAFETY: each access covers [i, i + 16) with i + 16 <= len; NEON is baseline on aarch64.
    unsafe {
        let m = vreinterpretq_u8_u32(vdupq_n_u32(u32::from_ne_bytes(mask)));
        let mut i = 0;
        while i + 16 <= len {
            vst1q_u8(dst.add(i), veorq_u8(vld1q_u8(src.add(i)), m));
            i += 16;
        }
        scalar(src.add(i), dst.add(i), len - i, mask);
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

    fn kernels() -> Vec<(&'static str, XorFn)> {
        crate::dispatch::LEVELS
            .iter()
            .filter(|level| level.supported())
            .map(|level| (level.name, level.xor))
            .collect()
    }

    #[test]
    fn every_length_and_phase() {
        let mask = [0x12, 0x34, 0x56, 0x78];
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for (name, kernel) in kernels() {
            for len in 0..data.len() {
                for pointer in 0..4 {
                    let mut buf = data[..len].to_vec();
                    xor_in_place(&mut buf, mask, pointer, kernel);
                    let expected = reference(&data[..len], mask, pointer);
                    assert_eq!(buf, expected, "{name}: len {len} pointer {pointer}");
                }
            }
        }
    }
}
