//! Entering and leaving the terminal: raw mode, alternate screen, bracketed paste and mouse, restored on every exit path.

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture,
};
use crossterm::execute;
use ratatui::DefaultTerminal;
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;

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

/// Ctrl-Z or SIGTSTP: hands the terminal back as on quitting, then stops
/// the process as the shell's job control expects; returns once it is
/// continued (`fg`, SIGCONT), with the terminal taken again. SIGSTOP, not
/// SIGTSTP: instatui listens for SIGTSTP, so raising it would only come
/// back here, and SIGSTOP also stops a process whose group the kernel would
/// not stop on SIGTSTP (an orphaned one).
pub(super) fn suspend() -> std::io::Result<()> {
    leave();
    #[cfg(unix)]
    // SAFETY: raise only sends a signal to this process.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
    take_back()
}

/// Raw mode, the alternate screen, paste, mouse and focus reports again,
/// the cursor hidden: after a stop, whatever the shell did to the terminal
/// meanwhile. The caller clears and redraws everything.
pub(super) fn take_back() -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture,
        EnableFocusChange,
        Hide
    )
}

/// Clears the whole screen and makes the next draw write every cell.
///
/// Not `Terminal::clear`: it asks the terminal where the cursor is
/// (`ESC [ 6n`) and waits for the answer, which the event reader, owning
/// the input, never hands it: the loop froze 2 s (once ~30 s, until a key)
/// right after the exchange, when the Token screen replaced Authorize.
/// `resize` to the same size clears a full-screen viewport without asking.
pub(super) fn clear<B: Backend>(term: &mut Terminal<B>) -> Result<(), B::Error> {
    let size = term.size()?;
    term.resize(Rect::new(0, 0, size.width, size.height))
}

/// Turns Ctrl-C back into SIGINT while instatui winds down: raw mode makes
/// it a key, and no key is read once the loop has ended.
pub(super) fn allow_interrupt() {
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = std::io::stdin().as_raw_fd();
        // SAFETY: a zeroed termios is a valid out-buffer for tcgetattr, and
        // both calls only read or set the terminal's flags.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut t) == 0 {
                t.c_lflag |= libc::ISIG;
                libc::tcsetattr(fd, libc::TCSANOW, &t);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Position;

    /// A backend whose cursor question would block in a real terminal.
    struct NeverAsked(TestBackend);

    impl Backend for NeverAsked {
        type Error = <TestBackend as Backend>::Error;
        fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
        where
            I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
        {
            self.0.draw(content)
        }
        fn hide_cursor(&mut self) -> Result<(), Self::Error> {
            self.0.hide_cursor()
        }
        fn show_cursor(&mut self) -> Result<(), Self::Error> {
            self.0.show_cursor()
        }
        fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
            panic!("the terminal was asked where the cursor is (ESC [ 6n)")
        }
        fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
            self.0.set_cursor_position(p)
        }
        fn clear(&mut self) -> Result<(), Self::Error> {
            self.0.clear()
        }
        fn clear_region(
            &mut self,
            clear_type: ratatui::backend::ClearType,
        ) -> Result<(), Self::Error> {
            self.0.clear_region(clear_type)
        }
        fn size(&self) -> Result<ratatui::layout::Size, Self::Error> {
            self.0.size()
        }
        fn window_size(&mut self) -> Result<ratatui::backend::WindowSize, Self::Error> {
            self.0.window_size()
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            self.0.flush()
        }
    }

    #[test]
    fn clearing_never_asks_where_the_cursor_is_and_redraws_every_cell() {
        let mut term = Terminal::new(NeverAsked(TestBackend::new(20, 4))).expect("terminal");
        let text = |t: &str| ratatui::widgets::Paragraph::new(t.to_string());
        term.draw(|f| f.render_widget(text("picture"), f.area()))
            .expect("draw");
        clear(&mut term).expect("clear");
        // The same frame again: drawn whole, not skipped as unchanged.
        term.draw(|f| f.render_widget(text("picture"), f.area()))
            .expect("draw");
        assert!(term.backend().0.to_string().contains("picture"));
    }
}
