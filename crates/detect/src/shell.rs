//! See the table in lib.rs. Owner: fill in.
