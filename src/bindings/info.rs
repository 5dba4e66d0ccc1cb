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

/// Makes this thread (the compute worker) a helper of main-thread loops
/// ([`crate::parallel::assist`]); returns the address of the word to wait on. `mt` only.
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = assistServe)]
pub fn assist_serve() -> usize {
    // The calling (main) thread is one of the `threads`; with 1 there is nobody to share with.
    crate::parallel::assist::serve(crate::parallel::threads().saturating_sub(1));
    crate::parallel::assist::wake_word().as_ptr() as usize
}

/// Works on the published main-thread loops until none is left (the compute worker, when woken).
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = assistRun)]
pub fn assist_run() {
    crate::parallel::assist::run_pending();
}

/// Chunks of main-thread loops that helpers ran (diagnostics and tests).
#[wasm_bindgen(js_name = assistHelped)]
pub fn assist_helped() -> usize {
    crate::parallel::assist::helped_chunks()
}
