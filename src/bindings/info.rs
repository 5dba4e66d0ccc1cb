use wasm_bindgen::prelude::*;

/// The crate version.
#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.into()
}

/// `"threads"` for the `mt` build, `"single"` for `st`.
#[wasm_bindgen(js_name = buildMode)]
pub fn build_mode() -> String {
    if cfg!(feature = "threads") {
        "threads"
    } else {
        "single"
    }
    .into()
}

/// Lets kernels called on this thread use the rayon pool (call only off the main thread).
#[wasm_bindgen(js_name = enableParallel)]
pub fn enable_parallel() {
    crate::parallel::enable();
}

/// How many threads a kernel called on this thread would use.
#[wasm_bindgen(js_name = parallelThreads)]
pub fn parallel_threads() -> usize {
    crate::parallel::threads()
}

/// The compiled module, to instantiate on other workers over the same memory (`mt` only).
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = sharedModule)]
pub fn shared_module() -> JsValue {
    wasm_bindgen::module()
}

/// The shared memory, to instantiate on other workers (`mt` only).
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = sharedMemory)]
pub fn shared_memory() -> JsValue {
    wasm_bindgen::memory()
}
