// Exposes PyO3's configuration cfgs (e.g. `Py_GIL_DISABLED` for free-threaded CPython) to
// rust/, so code that relies on the GIL for safety is compiled only where a GIL exists.
fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
