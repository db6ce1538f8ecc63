//! The one integration-test crate (see STYLE.md): modules by topic.

mod cli;
mod common;
mod hand;
mod library;
mod rules;
mod stylised;
