//! `D` on Credentials: doctor's checks run off the loop, their report in a popup.

use super::{App, Effect, Popup};
use crate::doctor::Check;

/// The report, while it runs and once it is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoctorView {
    /// Checks asked for and not answered yet.
    pub running: bool,
    /// The last report (kept while a new one runs).
    pub checks: Vec<Check>,
    /// Lines the popup is scrolled by.
    pub scroll: u16,
}

impl DoctorView {
    pub(crate) fn scroll_by(&mut self, lines: i32) {
        let to = i32::from(self.scroll).saturating_add(lines).clamp(0, 200);
        self.scroll = u16::try_from(to).unwrap_or(0);
    }
}

impl App {
    /// Opens the report and asks for the checks, unless they are running.
    pub(crate) fn run_doctor(&mut self, effects: &mut Vec<Effect>) {
        self.popup = Some(Popup::Doctor);
        if self.doctor.running {
            return;
        }
        self.doctor.running = true;
        self.doctor.scroll = 0;
        effects.push(Effect::RunDoctor {
            app: self.stored.app().cloned().map(Box::new),
            endpoints: self.endpoints(),
            pictures: self.images,
        });
    }

    pub(crate) fn on_doctor(&mut self, checks: Vec<Check>) {
        self.doctor.running = false;
        self.doctor.checks = checks;
    }
}
