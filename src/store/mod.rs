//! The persisted state: load, migrate, atomic save, lock, permissions.

pub mod schema;

pub use schema::*;
