//! Entering and leaving the terminal: raw mode, alternate screen, bracketed paste and mouse, restored on every exit path.

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture,
};
use crossterm::execute;
use ratatui::DefaultTerminal;

/// Sets the terminal up and installs a panic hook that restores it before
/// the panic message prints.
pub(super) fn enter() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
    // Focus reports: coming back to a tmux window redraws the pictures
    // tmux does not know about.
    execute!(
        std::io::stdout(),
        EnableBracketedPaste,
        EnableMouseCapture,
        EnableFocusChange
    )?;
    Ok(terminal)
}

/// Hands the terminal back: the same on `q`, on SIGTERM, SIGHUP or an
/// outside SIGINT (`event_loop::Signals`), and on an error.
pub(super) fn leave() {
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        DisableFocusChange,
        Show
    );
    ratatui::restore();
}
