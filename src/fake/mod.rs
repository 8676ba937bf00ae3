//! An embedded fake Instagram on loopback, for `--demo` and the tests.
