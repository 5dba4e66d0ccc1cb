//! Buffers that start on a cache line. A `Vec<f32>` is only 4-byte aligned (in wasm, typically
//! 8 bytes past a 16-byte boundary), and then a quarter of the 16-byte SIMD loads at multiples
//! of 16 bytes from its start straddle two lines. Over-allocating by a line and starting at
//! the first line boundary inside keeps every such load within one.

/// Bytes in a cache line.
pub(crate) const LINE: usize = 64;

/// Extra elements of `T` to allocate so that a line boundary falls inside.
pub(crate) const fn slack<T>() -> usize {
    LINE / std::mem::size_of::<T>()
}

/// The first index of `v` on a cache line, or 0 if the platform cannot tell.
pub(crate) fn line_start<T>(v: &[T]) -> usize {
    match v.as_ptr().align_offset(LINE) {
        at if at < slack::<T>() => at,
        _ => 0,
    }
}
