//! Strided read-only views: a transposed operand is the same buffer with swapped strides.

/// `op(X)` as a logical rows×cols matrix over a row-major buffer.
#[derive(Clone, Copy)]
pub(crate) struct MatView<'a> {
    pub data: &'a [f32],
    /// Distance between consecutive logical rows.
    pub rs: usize,
    /// Distance between consecutive logical columns.
    pub cs: usize,
}

impl<'a> MatView<'a> {
    /// `op(X)` for a buffer stored `rows×cols` (or `cols×rows` when `trans`), lengths already checked.
    pub fn new(data: &'a [f32], rows: usize, cols: usize, trans: bool) -> Self {
        if trans {
            MatView {
                data,
                rs: 1,
                cs: rows,
            }
        } else {
            MatView {
                data,
                rs: cols,
                cs: 1,
            }
        }
    }

    #[inline(always)]
    pub fn at(&self, i: usize, j: usize) -> f32 {
        self.data[i * self.rs + j * self.cs]
    }
}
