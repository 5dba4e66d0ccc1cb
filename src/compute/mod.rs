//! Dense numeric kernels: matrix multiply, FFT and k-means.

pub(crate) mod checks;
mod error;
pub(crate) mod fft;
pub(crate) mod kmeans;
mod lines;
mod matmul;

pub use error::ComputeError;
pub use fft::{
    backend as fft_backend, fft, fft2, fft_batch, irfft, rfft, rfft_batch, FftKind, FftPlan,
};
pub use kmeans::{kmeans, KmeansInit, KmeansOptions, KmeansResult};
pub use matmul::{sgemm, GemmOptions, MultiplyOptions, PackedMatrix};
