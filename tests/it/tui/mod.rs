//! The TUI: `update` alone, drawn screens (insta snapshots), the headless
//! flow against the fake, previews, paging, signals.

mod accounts;
mod doctor_key;
mod done_when;
mod engagement;
mod feed_paging;
mod first_hour;
mod fitting;
mod flow;
mod graphics_query;
mod grid;
mod keepalive;
mod keymap_file;
mod pictures;
mod previews;
mod render;
mod signals;
mod tmux;
mod update;
mod watched;
