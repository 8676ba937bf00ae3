//! Schema versions: step-by-step migration of an older `state.json` to [`STATE_VERSION`].

use super::schema::STATE_VERSION;
use serde_json::{Map, Value};

/// One step: turns the object of version `i` into version `i + 1`, apart
/// from the `version` key, which [`migrate`] sets. An `Err` says, in one
/// line, why the file cannot be migrated.
type Step = fn(&mut Map<String, Value>) -> Result<(), String>;

/// `STEPS[i]` migrates version `i` to `i + 1`. A new schema version adds
/// a step here and bumps `STATE_VERSION`; the assertion keeps them in step.
const STEPS: &[Step] = &[v0_to_v1, v1_to_v2, v2_to_v3, v3_to_v4];

const _: () = assert!(STEPS.len() == STATE_VERSION as usize);

/// Migrates `value`, read as version `from`, to [`STATE_VERSION`].
pub(crate) fn migrate(mut value: Value, from: u32) -> Result<Value, String> {
    let object = value
        .as_object_mut()
        .ok_or_else(|| "the file does not hold a JSON object".to_string())?;
    for (version, step) in STEPS.iter().enumerate().skip(from as usize) {
        step(object)?;
        object.insert("version".to_string(), Value::from(version + 1));
    }
    Ok(value)
}

/// Version 0 had no `version` key and kept the API flavour at the top level;
/// version 1 keeps it in `app.flavor`. A flavour without an app has nothing
/// to describe and is dropped; an `app.flavor` already present wins.
fn v0_to_v1(object: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(flavor) = object.remove("flavor")
        && let Some(Value::Object(app)) = object.get_mut("app")
    {
        app.entry("flavor").or_insert(flavor);
    }
    Ok(())
}

/// Version 1 had auto-refresh off by default and wrote `false` for everyone
/// who never touched it, so a stored `false` cannot tell a choice from the
/// default. Version 2 refreshes early and on by default; a `false` is
/// dropped and becomes the new default (on). A `true` was always a choice
/// and stays. Someone who had turned it off turns it off again with `a`;
/// docs/cli.md says so (the refresh policy).
fn v1_to_v2(object: &mut Map<String, Value>) -> Result<(), String> {
    if let Some(Value::Object(settings)) = object.get_mut("settings")
        && settings.get("auto_refresh") == Some(&Value::Bool(false))
    {
        settings.remove("auto_refresh");
    }
    Ok(())
}

/// Version 2 held one app and one token at the top level; version 3 lists
/// apps and accounts (token, profile, last refresh and rate usage together,
/// with the app they belong to) and names the active account and the
/// current app. Nothing is dropped but a profile without a token, which
/// described nobody.
fn v2_to_v3(object: &mut Map<String, Value>) -> Result<(), String> {
    let app = object.remove("app");
    let token = object.remove("token");
    let profile = object.remove("profile");
    let last_refresh = object.remove("last_refresh");
    let rate_usage = object.remove("rate_usage");
    let app_id = app
        .as_ref()
        .and_then(|a| a.get("app_id"))
        .cloned()
        .filter(|id| !id.is_null());
    if let Some(app) = app.filter(|a| !a.is_null()) {
        object.insert("apps".to_string(), Value::Array(vec![app]));
        if let Some(id) = &app_id {
            object.insert("current_app".to_string(), id.clone());
        }
    }
    match token.filter(|t| !t.is_null()) {
        Some(token) => {
            let user_id = token
                .get("user_id")
                .cloned()
                .ok_or_else(|| "the token has no user_id".to_string())?;
            let mut account = Map::new();
            if let Some(id) = app_id {
                account.insert("app_id".to_string(), id);
            }
            account.insert("token".to_string(), token);
            for (key, value) in [
                ("profile", profile),
                ("last_refresh", last_refresh),
                ("rate_usage", rate_usage),
            ] {
                if let Some(value) = value.filter(|v| !v.is_null()) {
                    account.insert(key.to_string(), value);
                }
            }
            object.insert(
                "accounts".to_string(),
                Value::Array(vec![Value::Object(account)]),
            );
            object.insert("active".to_string(), user_id);
        }
        None => {
            if let Some(usage) = rate_usage {
                object.insert("rate_usage".to_string(), usage);
            }
        }
    }
    Ok(())
}

/// Version 3 keyed an account authorized in the browser by the code
/// exchange's app-scoped id, and one from `login --with-token` by `/me`'s
/// professional id, so one Instagram account could be stored twice.
/// Version 4 keys each by the professional id wherever its profile says it
/// (the app-scoped one stays in the profile as `id`); the active account and
/// handoffs follow, each handoff with its account's app (`app_id`, optional
/// in version 4: `State::repair` fills it in for files written without it). Twins this leaves are merged when the file is read
/// (`State::repair`), keeping the newest token and every handoff.
fn v3_to_v4(object: &mut Map<String, Value>) -> Result<(), String> {
    let current_app = object.get("current_app").cloned();
    // (app id, old user id, professional id) of each account re-keyed.
    let mut renamed: Vec<(Option<Value>, String, String)> = Vec::new();
    if let Some(Value::Array(accounts)) = object.get_mut("accounts") {
        for account in accounts.iter_mut() {
            let pro = account
                .pointer("/profile/user_id")
                .and_then(Value::as_str)
                .map(str::to_string);
            let app = account.get("app_id").cloned();
            let Some(token) = account.get_mut("token").and_then(Value::as_object_mut) else {
                continue;
            };
            let old = token
                .get("user_id")
                .and_then(Value::as_str)
                .map(str::to_string);
            if let (Some(pro), Some(old)) = (pro, old)
                && pro != old
            {
                token.insert("user_id".to_string(), Value::from(pro.as_str()));
                renamed.push((app, old, pro));
            }
        }
    }
    let active = object
        .get("active")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(active) = active {
        let hit = renamed
            .iter()
            .find(|(app, old, _)| *old == active && *app == current_app)
            .or_else(|| renamed.iter().find(|(_, old, _)| *old == active));
        if let Some((_, _, pro)) = hit {
            object.insert("active".to_string(), Value::from(pro.as_str()));
        }
    }
    if let Some(Value::Array(handoffs)) = object.get_mut("handoffs") {
        for handoff in handoffs.iter_mut() {
            let owner = handoff.get("account").and_then(Value::as_str);
            // The app-scoped id named one app's account; the professional
            // id may fit the same person under another app too, so the
            // app goes with it.
            if let Some((app, _, pro)) = renamed
                .iter()
                .find(|(_, old, _)| Some(old.as_str()) == owner)
                && let Some(h) = handoff.as_object_mut()
            {
                h.insert("account".to_string(), Value::from(pro.as_str()));
                if let Some(app) = app.clone().filter(|a| !a.is_null()) {
                    h.insert("app_id".to_string(), app);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn v0_moves_flavor_into_app() {
        let v0 = json!({"flavor": "basic-display", "app": {"app_id": "1"}});
        let v2 = migrate(v0, 0).unwrap();
        assert_eq!(
            v2,
            json!({"version": 4, "current_app": "1",
                   "apps": [{"app_id": "1", "flavor": "basic-display"}]})
        );
    }

    #[test]
    fn v0_keeps_an_existing_app_flavor() {
        let v0 = json!({"flavor": "basic-display", "app": {"flavor": "instagram-login"}});
        let v2 = migrate(v0, 0).unwrap();
        assert_eq!(
            v2,
            json!({"version": 4, "apps": [{"flavor": "instagram-login"}]})
        );
    }

    #[test]
    fn v0_without_app_drops_the_flavor() {
        let v2 = migrate(json!({"flavor": "basic-display"}), 0).unwrap();
        assert_eq!(v2, json!({"version": 4}));
    }

    #[test]
    fn current_version_is_untouched() {
        let v4 = json!({"version": 4, "settings": {"auto_refresh": false}});
        assert_eq!(migrate(v4.clone(), STATE_VERSION).unwrap(), v4);
    }

    #[test]
    fn v1_token_becomes_the_active_account_of_its_app() {
        let v1 = json!({"version": 1,
            "app": {"app_id": "7"},
            "token": {"user_id": "42", "value": "x"},
            "profile": {"username": "jane"},
            "last_refresh": null,
            "rate_usage": {"call_count": 3},
            "settings": {"auto_refresh": true}});
        assert_eq!(
            migrate(v1, 1).unwrap(),
            json!({"version": 4,
                "apps": [{"app_id": "7"}], "current_app": "7",
                "accounts": [{"app_id": "7", "token": {"user_id": "42", "value": "x"},
                              "profile": {"username": "jane"}, "rate_usage": {"call_count": 3}}],
                "active": "42",
                "settings": {"auto_refresh": true}})
        );
    }

    #[test]
    fn v1s_default_false_becomes_the_new_default_and_a_chosen_true_stays() {
        let off = json!({"version": 1, "settings": {"auto_refresh": false, "images": "off"}});
        assert_eq!(
            migrate(off, 1).unwrap(),
            json!({"version": 4, "settings": {"images": "off"}})
        );
        let on = json!({"version": 1, "settings": {"auto_refresh": true}});
        assert_eq!(
            migrate(on, 1).unwrap(),
            json!({"version": 4, "settings": {"auto_refresh": true}})
        );
    }

    #[test]
    fn v2_token_becomes_the_active_account_of_its_app() {
        let v2 = json!({"version": 2, "app": {"app_id": "7"}, "token": {"user_id": "42"}});
        assert_eq!(
            migrate(v2, 2).unwrap(),
            json!({"version": 4, "apps": [{"app_id": "7"}], "current_app": "7",
                   "accounts": [{"app_id": "7", "token": {"user_id": "42"}}], "active": "42"})
        );
    }

    #[test]
    fn non_objects_are_refused() {
        assert!(migrate(json!([1, 2]), 0).is_err());
    }
}
