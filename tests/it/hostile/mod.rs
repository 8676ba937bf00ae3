//! A hostile Instagram and hostile text, met by the client, the binary,
//! the decoders, `update` and the screen (see RELIABILITY.md).

mod answers;
mod cli;
mod client;
mod decode;
mod screen;
mod text;
mod update;
