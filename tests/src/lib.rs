//! The paper's claims as tests.
