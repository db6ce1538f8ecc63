//! The one integration-test crate (see STYLE.md): modules by topic.

mod charts;
mod cli;
mod common;
mod hand;
mod library;
mod rules;
mod stylised;

