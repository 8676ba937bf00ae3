//! Locating the config, cache and data directories: flag, then environment, then the platform default.

use super::{Store, StoreError};
use directories::ProjectDirs;
use std::ffi::OsString;
use std::path::PathBuf;

pub(crate) const CONFIG_DIR_ENV: &str = "INSTATUI_CONFIG_DIR";
pub(crate) const CACHE_DIR_ENV: &str = "INSTATUI_CACHE_DIR";
pub(crate) const DATA_DIR_ENV: &str = "INSTATUI_DATA_DIR";

/// `ProjectDirs` honours `XDG_CONFIG_HOME`, `XDG_CACHE_HOME` and `XDG_DATA_HOME`.
fn project_dirs() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "instatui")
}

/// The precedence rule, free of process state so it can be tested: the flag,
/// else the environment value, else the default. Empty values count as unset.
pub(crate) fn choose_dir(
    flag: Option<PathBuf>,
    env: Option<OsString>,
    default: impl FnOnce() -> Option<PathBuf>,
) -> Option<PathBuf> {
    flag.filter(|p| !p.as_os_str().is_empty())
        .or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(default)
}

pub(crate) fn locate_config_dir(flag: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    choose_dir(flag, std::env::var_os(CONFIG_DIR_ENV), || {
        project_dirs().map(|p| p.config_dir().to_path_buf())
    })
    .ok_or(StoreError::NoConfigDir)
}

/// The platform's config directory for instatui, ignoring flag and environment.
pub(crate) fn default_config_dir() -> Option<PathBuf> {
    project_dirs().map(|p| p.config_dir().to_path_buf())
}

/// Where downloaded images and other disposable files go:
/// `INSTATUI_CACHE_DIR`, else the platform cache directory, else `<config>/cache`.
pub fn cache_dir(store: &Store) -> PathBuf {
    choose_dir(None, std::env::var_os(CACHE_DIR_ENV), || {
        project_dirs().map(|p| p.cache_dir().to_path_buf())
    })
    .unwrap_or_else(|| store.dir().join("cache"))
}

/// Where logs and other kept files go:
/// `INSTATUI_DATA_DIR`, else the platform data directory, else `<config>/data`.
pub fn data_dir(store: &Store) -> PathBuf {
    choose_dir(None, std::env::var_os(DATA_DIR_ENV), || {
        project_dirs().map(|p| p.data_dir().to_path_buf())
    })
    .unwrap_or_else(|| store.dir().join("data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default() -> Option<PathBuf> {
        Some(PathBuf::from("/default"))
    }

    #[test]
    fn flag_wins_over_env_and_default() {
        let got = choose_dir(Some("/flag".into()), Some("/env".into()), default);
        assert_eq!(got, Some(PathBuf::from("/flag")));
    }

    #[test]
    fn env_wins_over_default() {
        let got = choose_dir(None, Some("/env".into()), default);
        assert_eq!(got, Some(PathBuf::from("/env")));
    }

    #[test]
    fn default_when_nothing_is_given() {
        assert_eq!(choose_dir(None, None, default), default());
        assert_eq!(choose_dir(None, None, || None), None);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let got = choose_dir(Some(PathBuf::new()), Some(OsString::new()), default);
        assert_eq!(got, default());
    }

    #[test]
    fn the_default_is_not_computed_when_not_needed() {
        let got = choose_dir(None, Some("/env".into()), || panic!("default computed"));
        assert_eq!(got, Some(PathBuf::from("/env")));
    }
}
