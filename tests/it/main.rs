//! The integration tests: one crate, one module per area (matklad, "Delete Cargo integration tests").

mod batch;
