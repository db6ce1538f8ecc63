//! The one integration-test crate (see STYLE.md): modules by topic.

mod common;
mod hand;
mod rules;
mod stylised;
mod cli;
